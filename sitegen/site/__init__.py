"""The site at one moment: what is shown now (visibility, the view) and where every output goes (urls)."""
