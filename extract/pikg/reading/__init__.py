"""Reading: files and bytes to decoded, normalised text (and, for tables, cells) with offsets."""
