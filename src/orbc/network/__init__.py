"""The constellation as a network: per-snapshot graphs of laser and ground links, shortest
routes between stations, latency to the ground (scipy.sparse.csgraph).

Depends on `orbc.physics` and the model's columns, never on the syntax tree.
"""
