"""Pure parsers: the text staff write in, typed records and file:line diagnostics out. Nothing here lists a folder or knows of a cache."""
