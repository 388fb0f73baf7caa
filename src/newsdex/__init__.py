"""newsdex: turn collected news articles into a clean, searchable corpus."""
