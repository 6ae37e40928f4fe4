//go:build !(amd64 || arm64)

package kernel

import "encoding/json"

// unmarshal reads data into v with encoding/json, on the architectures
// sonic does not build on.
func unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
