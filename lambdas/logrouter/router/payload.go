package router

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
	"unsafe"

	"github.com/klauspost/compress/gzip"
)

// DefaultMaxDecompressedBytes bounds the decompressed size of one payload
// unless MAX_DECOMPRESSED_BYTES says otherwise. CloudWatch Logs batches are
// far smaller; a larger expansion is a gzip bomb or a bug.
const DefaultMaxDecompressedBytes = 8 << 20

// Message types of a CloudWatch Logs subscription payload.
const (
	DataMessage    = "DATA_MESSAGE"
	ControlMessage = "CONTROL_MESSAGE"
)

// ErrMalformed marks a payload that can never be decoded: bad base64, bad
// gzip, bad JSON or JSON of the wrong shape. Retrying it is pointless.
var ErrMalformed = errors.New("malformed CloudWatch Logs payload")

// ErrTooLarge marks a payload whose decompressed size exceeds the cap. It
// wraps ErrMalformed.
var ErrTooLarge = fmt.Errorf("%w: decompressed size over the limit", ErrMalformed)

// Text is a JSON string as it appears in a decoded document: the literal
// between the quotes, still escaped, and what the scanner learned about it.
// It points into the Decoder's buffer. The zero Text is the empty string.
type Text struct {
	raw   []byte
	flags uint8
}

// AppendString appends the decoded string, exactly as encoding/json decodes
// it (invalid UTF-8 and unpaired surrogates become U+FFFD).
func (t Text) AppendString(dst []byte) []byte {
	if t.flags&(textEscaped|textNonASCII) == 0 {
		return append(dst, t.raw...)
	}
	return appendUnquoted(dst, t.raw)
}

// String returns the decoded string.
func (t Text) String() string { return string(t.AppendString(nil)) }

// verbatim reports whether the literal can be copied into other JSON as
// is: valid UTF-8 and no surrogate escapes, so every decoder reads the
// string encoding/json reads.
func (t Text) verbatim() bool {
	return t.flags&textSurrogate == 0 && (t.flags&textNonASCII == 0 || utf8.Valid(t.raw))
}

// AppendJSON appends the string as a quoted JSON string in valid UTF-8.
func (t Text) AppendJSON(dst []byte) []byte {
	if t.verbatim() {
		dst = append(dst, '"')
		dst = append(dst, t.raw...)
		return append(dst, '"')
	}
	return appendQuoted(dst, t.AppendString(nil))
}

// equal reports whether the decoded string is s.
func (t Text) equal(s string) bool {
	if t.flags&(textEscaped|textNonASCII) == 0 {
		return string(t.raw) == s
	}
	var buf [64]byte
	return string(appendUnquoted(buf[:0], t.raw)) == s
}

// Event is one entry of logEvents.
type Event struct {
	ID        Text
	Timestamp int64
	Message   Text
	// Class is the message's class, computed while decoding: the message
	// is unescaped into a small buffer and classified while in cache.
	Class Class
}

// Payload is a decoded CloudWatch Logs subscription document. It is valid
// until the next Decode on the same Decoder.
type Payload struct {
	MessageType Text
	Owner       Text
	LogGroup    Text
	LogStream   Text
	Events      []Event
}

// Control reports whether this is a CONTROL_MESSAGE (a health check that
// carries no log data).
func (p *Payload) Control() bool { return p.MessageType.equal(ControlMessage) }

// Data reports whether this is a DATA_MESSAGE.
func (p *Payload) Data() bool { return p.MessageType.equal(DataMessage) }

// Decoder decodes awslogs.data: base64, then gzip with a cap on the
// decompressed bytes, then the JSON document, scanned in place. Decoding the
// document accepts and rejects exactly what json.Unmarshal into
// events.CloudwatchLogsData does, and yields the same values. Buffers are
// reused, so a warm Decoder does not allocate. It is not safe for
// concurrent use.
type Decoder struct {
	// MaxDecompressedBytes caps the gzip output; 0 means
	// DefaultMaxDecompressedBytes.
	MaxDecompressedBytes int

	compressed []byte
	doc        []byte
	src        bytes.Reader
	zr         gzipReader
	// newGzip, set only by tests, selects the baseline path the
	// benchmarks compare against (route-stdlib): the gzip reader it opens
	// (compress/gzip there) read in a loop, and every message unescaped
	// into the arena before it is classified, the decode path before
	// classifyEscaped. nil is the decode path: klauspost/compress/gzip,
	// and messages classified where they sit, escaped, when
	// classifyEscaped can (else unescaped as in the baseline).
	newGzip func(io.Reader) (gzipReader, error)
	skipper
	message    unquoter
	classifier Classifier
	key        []byte
	payload    Payload
	// written is how many elements of payload.Events' backing array may
	// hold values; they are cleared before the array counts as fresh.
	written int
}

// Decode decodes the awslogs.data string of a subscription event.
func (d *Decoder) Decode(data string) (*Payload, error) {
	// Read-only view of data: Decode only reads its source.
	src := unsafe.Slice(unsafe.StringData(data), len(data))
	d.compressed = slices.Grow(d.compressed[:0], base64.StdEncoding.DecodedLen(len(src)))
	n, err := base64.StdEncoding.Decode(d.compressed[:cap(d.compressed)], src)
	if err != nil {
		return nil, fmt.Errorf("%w: awslogs.data (%d bytes): %v", ErrMalformed, len(data), err)
	}
	d.compressed = d.compressed[:n]
	doc, err := d.gunzip(d.compressed)
	if err != nil {
		return nil, err
	}
	return d.DecodeDocument(doc)
}

func (d *Decoder) limit() int {
	if d.MaxDecompressedBytes > 0 {
		return d.MaxDecompressedBytes
	}
	return DefaultMaxDecompressedBytes
}

// gzipReader is what gunzip needs of a gzip reader; *gzip.Reader of
// klauspost/compress and of compress/gzip both are one. Reset reads the
// header of the first member; reading goes on across members
// (multistream), as CloudWatch Logs payloads may hold several.
type gzipReader interface {
	io.Reader
	Reset(io.Reader) error
}

// newKlauspostGzip opens the decode path's gzip reader: klauspost's
// inflater decodes the same format as compress/gzip, faster, and reads a
// *bytes.Reader without an extra buffering layer.
func newKlauspostGzip(r io.Reader) (gzipReader, error) { return gzip.NewReader(r) }

// gunzip decompresses into the reused buffer, failing as soon as the
// output passes the limit, so a gzip bomb costs at most limit bytes. The
// gzip reader is reused with Reset, so a warm Decoder keeps its inflater's
// window and tables.
func (d *Decoder) gunzip(compressed []byte) ([]byte, error) {
	limit := d.limit()
	d.src.Reset(compressed)
	var err error
	if d.zr == nil {
		open := d.newGzip
		if open == nil {
			open = newKlauspostGzip
		}
		var zr gzipReader
		if zr, err = open(&d.src); err == nil {
			d.zr = zr
		}
	} else {
		err = d.zr.Reset(&d.src)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: gzip (%d compressed bytes): %w", ErrMalformed, len(compressed), err)
	}
	doc := d.doc[:0]
	if cap(doc) == 0 {
		doc = make([]byte, 0, min(limit+1, max(64<<10, 8*len(compressed))))
	}
	for {
		if len(doc) == cap(doc) {
			doc = slices.Grow(doc, min(limit+1, 2*cap(doc))-len(doc))
		}
		n, err := d.zr.Read(doc[len(doc):min(cap(doc), limit+1)])
		doc = doc[:len(doc)+n]
		if len(doc) > limit {
			d.doc = doc[:0]
			return nil, fmt.Errorf("%w: more than %d bytes from %d compressed bytes (MAX_DECOMPRESSED_BYTES)", ErrTooLarge, limit, len(compressed))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			d.doc = doc[:0]
			return nil, fmt.Errorf("%w: gzip (%d compressed bytes): %w", ErrMalformed, len(compressed), err)
		}
	}
	d.doc = doc
	return doc, nil
}

// fieldError is a type mismatch that makes json.Unmarshal fail.
func fieldError(path string, b []byte, i int, want string) error {
	got := "invalid JSON"
	if i < len(b) {
		switch b[i] {
		case '{':
			got = "object"
		case '[':
			got = "array"
		case '"':
			got = "string"
		case 't', 'f':
			got = "bool"
		case 'n':
			got = "null"
		default:
			got = "number"
		}
	}
	return fmt.Errorf("%w: %s at offset %d: %s, want %s", ErrMalformed, path, i, got, want)
}

func syntaxError(b []byte, i int) error {
	if i >= len(b) {
		return fmt.Errorf("%w: JSON ends early at offset %d", ErrMalformed, len(b))
	}
	return fmt.Errorf("%w: invalid JSON at offset %d", ErrMalformed, i)
}

// fresh forgets every event value, as a new slice would.
func (d *Decoder) fresh() {
	ev := d.payload.Events[:d.written]
	clear(ev)
	d.payload.Events = ev[:0]
	d.written = 0
}

// DecodeDocument decodes a decompressed subscription document.
func (d *Decoder) DecodeDocument(b []byte) (*Payload, error) {
	d.fresh()
	d.payload = Payload{Events: d.payload.Events}
	i := skipSpace(b, 0)
	if i >= len(b) {
		return nil, syntaxError(b, i)
	}
	switch b[i] {
	case '{':
	case 'n':
		// null leaves the target untouched: an empty payload.
		if i = scanLiteral(b, i); i < 0 || skipSpace(b, i) != len(b) {
			return nil, syntaxError(b, max(i, 0))
		}
		return &d.payload, nil
	default:
		return nil, fieldError("document", b, i, "object")
	}
	i, err := d.object(b, i, d.envelopeField)
	if err != nil {
		return nil, err
	}
	if i = skipSpace(b, i); i != len(b) {
		return nil, syntaxError(b, i)
	}
	d.written = max(d.written, len(d.payload.Events))
	return &d.payload, nil
}

// object decodes the object at b[i] == '{', calling field for each key
// with i at its value; field returns the index after the value.
func (d *Decoder) object(b []byte, i int, field func(b []byte, key []byte, i int) (int, error)) (int, error) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return -1, syntaxError(b, i)
		}
		k := i
		var flags uint8
		if i, flags = scanText(b, i); i < 0 {
			return -1, syntaxError(b, k)
		}
		key := b[k+1 : i-1]
		if flags&(textEscaped|textNonASCII) != 0 {
			d.key = appendUnquoted(d.key[:0], key)
			key = d.key
		}
		if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
			return -1, syntaxError(b, i)
		}
		if i = skipSpace(b, i+1); i >= len(b) {
			return -1, syntaxError(b, i)
		}
		end, err := field(b, key, i)
		var closed bool
		if i, closed, err = afterValue(b, i, end, err, '}'); err != nil || closed {
			return i, err
		}
	}
}

// afterValue checks what follows a member value that started at start and
// ended at end (or failed with err): a comma, after which it returns the
// index of the next member, or close, after which it returns the index
// after close and closed.
func afterValue(b []byte, start, end int, err error, close byte) (next int, closed bool, _ error) {
	if err != nil {
		return -1, false, err
	}
	if end < 0 {
		return -1, false, syntaxError(b, start)
	}
	i := skipSpace(b, end)
	switch {
	case i >= len(b):
		return -1, false, syntaxError(b, i)
	case b[i] == ',':
		return skipSpace(b, i+1), false, nil
	case b[i] == close:
		return i + 1, true, nil
	}
	return -1, false, syntaxError(b, i)
}

// matchKey reports whether key selects the struct field named name, as
// encoding/json matches keys: exactly, else case-insensitively with
// Unicode simple folding.
func matchKey(key []byte, name string) bool {
	return string(key) == name || bytes.EqualFold(key, unsafe.Slice(unsafe.StringData(name), len(name)))
}

// Field names of events.CloudwatchLogsData and CloudwatchLogsLogEvent.
var envelopeFields = [...]string{"messageType", "owner", "logGroup", "logStream", "subscriptionFilters", "logEvents"}
var eventFields = [...]string{"id", "timestamp", "message"}

// lookup returns the index of the field key selects, or -1. Exact matches
// win over folded ones, as in encoding/json.
func lookup(key []byte, names []string) int {
	for n, name := range names {
		if string(key) == name {
			return n
		}
	}
	for n, name := range names {
		if matchKey(key, name) {
			return n
		}
	}
	return -1
}

// stringField decodes a string value into *t; null leaves it unchanged.
// A value of another type is an error naming path().
func stringField(b []byte, i int, t *Text, path func() string) (int, error) {
	switch b[i] {
	case '"':
		end, flags := scanText(b, i)
		if end > 0 {
			*t = Text{raw: b[i+1 : end-1], flags: flags}
		}
		return end, nil
	case 'n':
		return scanLiteral(b, i), nil
	}
	return -1, fieldError(path(), b, i, "string")
}

// name returns a path func for a fixed field name.
func name(s string) func() string { return func() string { return s } }

func (d *Decoder) envelopeField(b []byte, key []byte, i int) (int, error) {
	p := &d.payload
	switch lookup(key, envelopeFields[:]) {
	case 0:
		return stringField(b, i, &p.MessageType, name("messageType"))
	case 1:
		return stringField(b, i, &p.Owner, name("owner"))
	case 2:
		return stringField(b, i, &p.LogGroup, name("logGroup"))
	case 3:
		return stringField(b, i, &p.LogStream, name("logStream"))
	case 4:
		return d.subscriptionFilters(b, i)
	case 5:
		return d.logEvents(b, i)
	}
	return d.skip(b, i, 1, false), nil
}

// subscriptionFilters validates a []string value; routing does not use it.
func (d *Decoder) subscriptionFilters(b []byte, i int) (int, error) {
	switch b[i] {
	case 'n':
		return scanLiteral(b, i), nil
	case '[':
	default:
		return -1, fieldError("subscriptionFilters", b, i, "array of strings")
	}
	return d.array(b, i, func(b []byte, n, i int) (int, error) {
		var t Text
		return stringField(b, i, &t, func() string { return fmt.Sprintf("subscriptionFilters[%d]", n) })
	})
}

// array decodes the array at b[i] == '[' (at depth 2), calling elem for
// each element with i at its value.
func (d *Decoder) array(b []byte, i int, elem func(b []byte, n, i int) (int, error)) (int, error) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		if i >= len(b) {
			return -1, syntaxError(b, i)
		}
		end, err := elem(b, n, i)
		var closed bool
		if i, closed, err = afterValue(b, i, end, err, ']'); err != nil || closed {
			return i, err
		}
	}
}

// logEvents decodes the events array with encoding/json's slice rules: a
// new array reuses the elements of an earlier one (duplicate key), null
// and [] reset the slice.
func (d *Decoder) logEvents(b []byte, i int) (int, error) {
	switch b[i] {
	case 'n':
		d.written = max(d.written, len(d.payload.Events))
		d.fresh()
		return scanLiteral(b, i), nil
	case '[':
	default:
		return -1, fieldError("logEvents", b, i, "array of objects")
	}
	count := 0
	end, err := d.array(b, i, func(b []byte, n, i int) (int, error) {
		count = n + 1
		ev := d.payload.Events
		if n < cap(ev) {
			ev = ev[:n+1]
		} else {
			ev = append(ev[:n], Event{})
		}
		d.payload.Events = ev
		d.written = max(d.written, len(ev))
		switch b[i] {
		case 'n':
			return scanLiteral(b, i), nil // leaves the element as it is
		case '{':
			return d.event(b, i, &ev[n], n)
		}
		return -1, fieldError(fmt.Sprintf("logEvents[%d]", n), b, i, "object")
	})
	if err != nil {
		return -1, err
	}
	if count == 0 {
		d.fresh()
	} else {
		d.payload.Events = d.payload.Events[:count]
	}
	return end, nil
}

func (d *Decoder) event(b []byte, i int, ev *Event, n int) (int, error) {
	return d.object(b, i, func(b []byte, key []byte, i int) (int, error) {
		switch lookup(key, eventFields[:]) {
		case 0:
			return stringField(b, i, &ev.ID, func() string { return eventPath(n, "id") })
		case 1:
			switch b[i] {
			case 'n':
				return scanLiteral(b, i), nil
			case '"', '{', '[', 't', 'f':
				return -1, fieldError(eventPath(n, "timestamp"), b, i, "integer")
			}
			end, _ := scanNumber(b, i)
			if end < 0 {
				return -1, nil
			}
			ts, ok := parseInt64(b[i:end])
			if !ok {
				return -1, fmt.Errorf("%w: %s: number %s is not an int64", ErrMalformed, eventPath(n, "timestamp"), b[i:end])
			}
			ev.Timestamp = ts
			return end, nil
		case 2:
			switch b[i] {
			case '"':
				if d.newGzip == nil { // not the baseline
					if end, flags, cl, ok := classifyEscaped(b, i); ok {
						ev.Message, ev.Class = Text{raw: b[i+1 : end-1], flags: flags}, cl
						return end, nil
					}
				}
				d.message.arena = d.message.arena[:0]
				end, flags, decoded := d.message.scan(b, i)
				if end > 0 {
					ev.Message = Text{raw: b[i+1 : end-1], flags: flags}
					ev.Class = d.classifier.classifyWithStops(decoded, d.message.stops)
				}
				return end, nil
			case 'n':
				return scanLiteral(b, i), nil
			}
			return -1, fieldError(eventPath(n, "message"), b, i, "string")
		}
		return d.skip(b, i, 3, false), nil
	})
}

func eventPath(n int, field string) string {
	return fmt.Sprintf("logEvents[%d].%s", n, field)
}

// appendQuoted appends s (valid UTF-8) as a JSON string, escaping only
// what JSON requires.
func appendQuoted(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
