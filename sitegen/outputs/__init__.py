"""Every output format: each plans Outputs (a path, what makes it and what it is made of) for one check and one writer; print is one of them."""
