"""The only lxml users for documents: hardened parsing, reading into models, writing back."""
