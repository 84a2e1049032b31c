"""The public social-audit pages: figures per LGD unit and period, open to everyone."""
