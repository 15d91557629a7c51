package router

import (
	"math"
	"strconv"
)

// Firehose PutRecordBatch limits.
const (
	// MaxRecordBytes is the largest record Firehose accepts (1,000 KiB).
	MaxRecordBytes = 1000 * 1024
	// MaxBatchRecords is the most records in one PutRecordBatch call.
	MaxBatchRecords = 500
	// MaxBatchBytes is the most record bytes in one PutRecordBatch call.
	MaxBatchBytes = 4 << 20
)

// record is one Firehose record and the payload event it carries.
type record struct {
	data  []byte
	event int
}

// recordBuilder appends the records of one payload into a reused arena.
//
// A record is one JSON object and a newline:
//
//	{"logGroup":…,"logStream":…,"owner":…,"id":…,"timestamp":…,"tier":"ERROR","status":503,"message":…}
//
// "status" is present only when the message has a numeric status_code. A
// record over MaxRecordBytes is split: the message is cut on UTF-8
// boundaries into parts that each fit, and every part carries the same id
// plus "part" (1-based) and "parts", so a consumer can reassemble them.
type recordBuilder struct {
	arena   []byte
	spans   []recordSpan
	prefix  []byte // `{"logGroup":…,"logStream":…,"owner":…,"id":`
	scratch []byte
	cuts    []int
	records []record
	// maxRecord is MaxRecordBytes except in tests.
	maxRecord int
}

type recordSpan struct{ start, end, event int }

// reset starts the records of payload p.
func (rb *recordBuilder) reset(p *Payload) {
	if rb.maxRecord == 0 {
		rb.maxRecord = MaxRecordBytes
	}
	rb.arena = rb.arena[:0]
	rb.spans = rb.spans[:0]
	rb.prefix = append(rb.prefix[:0], `{"logGroup":`...)
	rb.prefix = p.LogGroup.AppendJSON(rb.prefix)
	rb.prefix = append(rb.prefix, `,"logStream":`...)
	rb.prefix = p.LogStream.AppendJSON(rb.prefix)
	rb.prefix = append(rb.prefix, `,"owner":`...)
	rb.prefix = p.Owner.AppendJSON(rb.prefix)
	rb.prefix = append(rb.prefix, `,"id":`...)
}

// appendHead appends everything of a record before the message JSON.
func (rb *recordBuilder) appendHead(dst []byte, ev *Event, c Class, part, parts int) []byte {
	dst = append(dst, rb.prefix...)
	dst = ev.ID.AppendJSON(dst)
	dst = append(dst, `,"timestamp":`...)
	dst = strconv.AppendInt(dst, ev.Timestamp, 10)
	dst = append(dst, `,"tier":"`...)
	dst = append(dst, c.Tier.String()...)
	dst = append(dst, '"')
	if c.HasStatus {
		dst = append(dst, `,"status":`...)
		dst = appendNumber(dst, c.Status)
	}
	if parts > 0 {
		dst = append(dst, `,"part":`...)
		dst = strconv.AppendInt(dst, int64(part), 10)
		dst = append(dst, `,"parts":`...)
		dst = strconv.AppendInt(dst, int64(parts), 10)
	}
	return append(dst, `,"message":`...)
}

// add appends the record(s) of event ev (index n in the payload). It
// reports false if the event cannot fit any record (its other fields alone
// exceed the limit, which real CloudWatch payloads cannot reach).
func (rb *recordBuilder) add(ev *Event, n int, c Class) bool {
	start := len(rb.arena)
	rb.arena = rb.appendHead(rb.arena, ev, c, 0, 0)
	rb.arena = ev.Message.AppendJSON(rb.arena)
	rb.arena = append(rb.arena, "}\n"...)
	if len(rb.arena)-start <= rb.maxRecord {
		rb.spans = append(rb.spans, recordSpan{start, len(rb.arena), n})
		return true
	}
	rb.arena = rb.arena[:start]
	return rb.split(ev, n, c)
}

// maxPartDigits bounds the digits of "part" and "parts" when sizing parts.
const maxPartDigits = 10

func (rb *recordBuilder) split(ev *Event, n int, c Class) bool {
	head := len(rb.appendHead(rb.scratch[:0], ev, c, 0, 0))
	budget := rb.maxRecord - head - len(`,"part":,"parts":`) - 2*maxPartDigits - len(`""}`+"\n")
	if budget < 16 {
		return false
	}
	msg := ev.Message.AppendString(rb.scratch[:0])
	rb.scratch = msg
	// Cut where the escaped size of a part would pass the budget.
	rb.cuts = rb.cuts[:0]
	size := 0
	for i := 0; i < len(msg); {
		w, l := escapedRune(msg[i:])
		if size+w > budget {
			rb.cuts = append(rb.cuts, i)
			size = 0
		}
		size += w
		i += l
	}
	rb.cuts = append(rb.cuts, len(msg))
	from := 0
	for k, to := range rb.cuts {
		start := len(rb.arena)
		rb.arena = rb.appendHead(rb.arena, ev, c, k+1, len(rb.cuts))
		rb.arena = appendQuoted(rb.arena, msg[from:to])
		rb.arena = append(rb.arena, "}\n"...)
		rb.spans = append(rb.spans, recordSpan{start, len(rb.arena), n})
		from = to
	}
	return true
}

// escapedRune returns the escaped JSON size and the byte length of the
// rune at the start of s (valid UTF-8).
func escapedRune(s []byte) (size, length int) {
	c := s[0]
	switch {
	case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t':
		return 2, 1
	case c < 0x20:
		return 6, 1
	case c < 0x80:
		return 1, 1
	}
	l := 1
	for l < len(s) && l < 4 && s[l]&0xC0 == 0x80 {
		l++
	}
	return l, l
}

// list returns the records; they stay valid until the next reset.
func (rb *recordBuilder) list() []record {
	rb.records = rb.records[:0]
	for _, s := range rb.spans {
		rb.records = append(rb.records, record{data: rb.arena[s.start:s.end:s.end], event: s.event})
	}
	return rb.records
}

// appendNumber writes a finite float64 as a JSON number, integers without
// a fraction or exponent.
func appendNumber(dst []byte, f float64) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// nextBatch returns how many leading records fit one PutRecordBatch call.
// Every record is at most MaxRecordBytes, so a batch holds at least one.
func nextBatch(recs []record) int {
	size := 0
	for n, r := range recs {
		if n == MaxBatchRecords || size+len(r.data) > MaxBatchBytes {
			return n
		}
		size += len(r.data)
	}
	return len(recs)
}
