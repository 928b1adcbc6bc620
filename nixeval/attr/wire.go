package attr

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Names cross the JSON boundary with Nix losslessly: printable ASCII as a
// plain string, anything else as {"hex": "…"} of its bytes. JSON strings
// cannot hold invalid UTF-8, and attribute names can.

func plainName(n string) bool {
	for i := 0; i < len(n); i++ {
		if n[i] < ' ' || n[i] > '~' {
			return false
		}
	}
	return true
}

// wireName is a name as the wrapper expression sends and receives it.
type Wire string

func (w Wire) MarshalJSON() ([]byte, error) {
	if plainName(string(w)) {
		return json.Marshal(string(w))
	}
	return json.Marshal(map[string]string{"hex": hex.EncodeToString([]byte(w))})
}

func (w *Wire) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*w = Wire(s)
		return nil
	}
	var h struct {
		Hex *string `json:"hex"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return err
	}
	if h.Hex == nil {
		return fmt.Errorf("attribute name %.40s: neither a string nor {hex}", b)
	}
	raw, err := hex.DecodeString(*h.Hex)
	if err != nil {
		return err
	}
	*w = Wire(raw)
	return nil
}

func WireStrings(ws []Wire) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = string(w)
	}
	return out
}

// MarshalJSON writes the path in the lossless wire form.
func (p Path) MarshalJSON() ([]byte, error) {
	ws := make([]Wire, len(p))
	for i, n := range p {
		ws[i] = Wire(n)
	}
	return json.Marshal(ws)
}

// UnmarshalJSON reads the wire form (plain strings are accepted too).
func (p *Path) UnmarshalJSON(b []byte) error {
	var ws []Wire
	if err := json.Unmarshal(b, &ws); err != nil {
		return err
	}
	*p = Path(WireStrings(ws))
	return nil
}

// nixBytesList is the Nix list of the 255 one-byte strings 0x01..0xff that
// the wrapper uses to translate names to and from hex.
func NixBytesList() string {
	var b strings.Builder
	b.WriteString("[")
	for i := 1; i < 256; i++ {
		b.WriteByte(' ')
		b.WriteString(NixString(string([]byte{byte(i)})))
	}
	b.WriteString(" ]")
	return b.String()
}
