"""One module per notebook: its figures, its panel and its exercise checks."""
