package shared

import "time"

func FormatSeconds(d time.Duration) string {
	if d < 10*time.Second {
		return d.Truncate(100 * time.Millisecond).String()
	}
	return d.Truncate(time.Second).String()
}
