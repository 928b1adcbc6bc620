package buildlog

import (
	"testing"
)

func TestParseLogLine(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		ok     bool
		bad    bool
		action string
		typ    int
		fields int
	}{
		{"start build 2.26", `@nix {"action":"start","fields":["/nix/store/x-a.drv","",1,1],"id":5,"level":3,"parent":0,"text":"building","type":105}`, true, false, "start", 105, 4},
		{"result progress", `@nix {"action":"result","fields":[1,4,0,0],"id":7,"type":105}`, true, false, "result", 105, 4},
		{"msg", `@nix {"action":"msg","level":3,"msg":"hello"}`, true, false, "msg", 0, 0},
		{"plain line", `warning: unknown setting 'foo'`, false, false, "", 0, 0},
		{"broken json", `@nix {"action":`, true, true, "", 0, 0},
		{"crlf", "@nix {\"action\":\"stop\",\"id\":3}\r\n", true, false, "stop", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, ok, err := parseLogLine([]byte(tc.line))
			if ok != tc.ok || (err != nil) != tc.bad {
				t.Fatalf("ok=%v err=%v, want ok=%v bad=%v", ok, err, tc.ok, tc.bad)
			}
			if tc.bad || !ok {
				return
			}
			if e.Action != tc.action || e.Type != tc.typ || len(e.Fields) != tc.fields {
				t.Errorf("got %+v", e)
			}
		})
	}
}
