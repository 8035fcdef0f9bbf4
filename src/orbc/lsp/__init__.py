"""The language server (`orbc lsp`): built on `dsl`, `compiler` and `fmt`, never the other
way round. Needs the optional `lsp` extra (pygls)."""
