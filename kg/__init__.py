"""dipkg: news articles about diplomacy -> a validated RDF knowledge graph.

The flow is one way: text -> records (kg.records, kg.extract) -> RDF (kg.rdf)
-> validation (kg.validate) -> store (kg.store, kg.ingest) -> HTTP (kg.web).
"""
__version__ = "0.1.0"
