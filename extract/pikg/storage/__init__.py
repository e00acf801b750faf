"""Storage: the pyoxigraph store, named SPARQL queries, remote endpoints, publishing, releases."""
