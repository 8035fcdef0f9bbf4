"""The compiler: elaboration of parsed specs into the typed model, and the checks."""
