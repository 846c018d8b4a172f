"""The I/O edge: the site folder listed, read and decoded once, themes resolved, and the whole site loaded into a SiteContent."""
