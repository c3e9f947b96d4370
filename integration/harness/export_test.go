package harness

// NamespaceExists exposes namespaceExists to the external tests.
var NamespaceExists = namespaceExists
