"""The terminal interface (Textual). Nothing outside this package imports Textual."""
