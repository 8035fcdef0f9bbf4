"""The .orb language: grammar, syntax tree, parser and file loader."""
