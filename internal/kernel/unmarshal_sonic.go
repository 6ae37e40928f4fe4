//go:build amd64 || arm64

package kernel

import (
	"unsafe"

	"github.com/bytedance/sonic"
)

// unmarshal reads data into v as encoding/json's Unmarshal does, with
// sonic's decoder in its encoding/json configuration: it takes about two
// fifths of encoding/json's CPU for the events (docs/performance.md,
// "Events decoded by sonic"). sonic reads strings; data is handed to it as
// one without the copy its Unmarshal makes, which is safe because that
// configuration copies every string it returns out of its input
// (TestDecodedEventsHoldNoViewOfTheirBytes) and data is not written while
// it reads. sonic builds on 64-bit amd64 and arm64 only.
func unmarshal(data []byte, v any) error {
	return sonic.ConfigStd.UnmarshalFromString(unsafe.String(unsafe.SliceData(data), len(data)), v)
}
