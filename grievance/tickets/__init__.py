"""Complaints (tickets), the incidents they join, and the workflow that closes them."""
