"""The Local Government Directory: states down to villages, with their LGD codes."""
