//go:build amd64 || arm64

package kernel

import "github.com/bytedance/sonic"

// unmarshal reads data into v as encoding/json's Unmarshal does, with
// sonic's decoder in its encoding/json configuration (strings copied, UTF-8
// checked): it takes about two fifths of encoding/json's CPU for the events
// (docs/performance.md, "Events decoded by sonic"). sonic builds on 64-bit
// amd64 and arm64 only.
func unmarshal(data []byte, v any) error { return sonic.ConfigStd.Unmarshal(data, v) }
