"""Who serves a village: water supply schemes, VWSCs and their members, officials."""
