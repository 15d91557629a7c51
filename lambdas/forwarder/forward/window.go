package forward

import "time"

// Window is the half-open time range [Start, End) one invocation forwards.
type Window struct {
	Start, End time.Time
}

// WindowAt returns the window for a scheduled event time: End is
// eventTime - delay rounded down to a multiple of interval since the Unix
// epoch, and Start is End - interval. It depends on nothing but its
// arguments, so a late or retried delivery of the same event forwards the
// same window, and events one interval apart forward adjacent windows.
func WindowAt(eventTime time.Time, interval, delay time.Duration) Window {
	i := int64(interval / time.Second)
	t := eventTime.Add(-delay).Unix()
	end := t - mod(t, i)
	return Window{Start: time.Unix(end-i, 0).UTC(), End: time.Unix(end, 0).UTC()}
}

// mod is the non-negative remainder, so times before 1970 align too.
func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}
