"""Graph: content IRIs, the generated namespaces, the RDF mapping and its serialisations."""
