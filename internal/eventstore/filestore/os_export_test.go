package filestore

// Datasync is the store's durable-write call, for the raw-disk benchmark.
var Datasync = datasync
