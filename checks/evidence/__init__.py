"""Evidence: the nouns collectors build and evaluators read. Dataclasses only, no I/O library.

One module per family. Every evidence item records where it came from (`Origin`: the target, its
provenance, the vantage point and its kind, the load applied meanwhile, the identity used) and how much of
it there is (n, duration), so an evaluator can say what the evidence can carry without asking anyone.
"""
