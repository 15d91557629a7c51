package router

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// This file holds the JSON scanning primitives shared by the payload
// decoder and the message classifier. They accept exactly what
// encoding/json's scanner accepts (RFC 8259 syntax, nesting up to 10000,
// no UTF-8 validation inside strings) and work in place on a byte slice,
// without allocating. Functions return the index after the token, or -1
// when the input is not valid JSON there.

// maxNestingDepth is encoding/json's limit: a document with more open
// arrays and objects is a syntax error there, so it is one here too.
const maxNestingDepth = 10000

// maxSafeIntDigits is the most integer digits a number without exponent
// can have and still be finite as a float64 (10^308 < MaxFloat64 < 10^309).
const maxSafeIntDigits = 308

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// quoteMask flags, in the high bit of each byte, the bytes of w that end a
// run of plain string content: '"', '\\' and control characters. The lowest
// flagged byte is always a true match.
func quoteMask(w uint64) uint64 {
	q := w ^ (lsb * '"')
	s := w ^ (lsb * '\\')
	return (((q - lsb) &^ q) | ((s - lsb) &^ s) | ((w - lsb*0x20) &^ w)) & msb
}

// littleEndian is the byte order of word loads on this machine; the masks
// read the first byte from the low bits.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// toLittle converts a loaded word to little-endian order.
func toLittle(w uint64) uint64 {
	if !littleEndian {
		return bits.ReverseBytes64(w)
	}
	return w
}

// load64 reads the 8 bytes at p+i as a little-endian word without bounds
// checks; the caller guarantees they are in bounds.
func load64(p unsafe.Pointer, i int) uint64 {
	return toLittle(*(*uint64)(unsafe.Add(p, i)))
}

// firstFlagged returns the index of the first flagged byte in the 16 bytes
// whose masks are m1, m2 (one of them non-zero).
func firstFlagged(m1, m2 uint64) int {
	if m1 != 0 {
		return bits.TrailingZeros64(m1) >> 3
	}
	return 8 + bits.TrailingZeros64(m2)>>3
}

// stringStop marks the bytes quoteMask flags, for the tail loop.
var stringStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// hexValue is the value of a hex digit, -1 for other bytes.
var hexValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = int8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = int8(c - 'a' + 10)
		t[c-'a'+'A'] = int8(c - 'a' + 10)
	}
	return t
}()

// Flags on a scanned string literal.
const (
	// textEscaped: the literal contains a backslash escape.
	textEscaped uint8 = 1 << iota
	// textNonASCII: the literal contains bytes >= 0x80 (maybe invalid UTF-8).
	textNonASCII
	// textSurrogate: the literal contains a \uD800-\uDFFF escape, which
	// decoders treat differently when unpaired, so it is never copied as is.
	textSurrogate
)

// scanString scans the string starting at b[i] == '"' and returns the index
// after its closing quote, with textEscaped and textSurrogate flags. It
// does not look for non-ASCII bytes (see scanText).
func scanString(b []byte, i int) (int, uint8) {
	return scanStringFrom(b, i+1)
}

// scanStringFrom scans string content from b[i] to the closing quote.
// It is one function with the common escape inline, because most strings
// are short and calls would cost more than the scan.
func scanStringFrom(b []byte, i int) (int, uint8) {
	var flags uint8
	p := unsafe.Pointer(unsafe.SliceData(b))
	for {
		for ; i+16 <= len(b); i += 16 {
			m1, m2 := quoteMask(load64(p, i)), quoteMask(load64(p, i+8))
			if m1|m2 != 0 {
				i += firstFlagged(m1, m2)
				goto stop
			}
		}
		for ; i+8 <= len(b); i += 8 {
			if m := quoteMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto stop
			}
		}
		for ; i < len(b) && !stringStop[b[i]]; i++ {
		}
		if i >= len(b) {
			return -1, flags
		}
	stop:
		switch b[i] {
		case '"':
			return i + 1, flags
		case '\\':
			if i+1 < len(b) && b[i+1] == '"' {
				flags |= textEscaped
				i += 2
				continue
			}
			n, f := scanEscape(b, i)
			if n < 0 {
				return -1, flags
			}
			flags |= f
			i = n
		default: // control character
			return -1, flags
		}
	}
}

// scanEscape validates the escape at b[i] == '\\' and returns the index
// after it.
func scanEscape(b []byte, i int) (int, uint8) {
	if i+1 >= len(b) {
		return -1, 0
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2, textEscaped
	case 'u':
		if i+6 > len(b) || hexValue[b[i+2]]|hexValue[b[i+3]]|hexValue[b[i+4]]|hexValue[b[i+5]] < 0 {
			return -1, 0
		}
		if hexValue[b[i+2]] == 0xd && hexValue[b[i+3]] >= 8 {
			return i + 6, textEscaped | textSurrogate
		}
		return i + 6, textEscaped
	}
	return -1, 0
}

// textMask is quoteMask plus every byte >= 0x80.
func textMask(w uint64) uint64 {
	return (quoteMask(w) | w) & msb
}

// scanText is scanString that also reports textNonASCII. Once a non-ASCII
// byte is seen it continues with the cheaper scanString loop.
func scanText(b []byte, i int) (int, uint8) {
	var flags uint8
	i++
	for {
		for ; i+8 <= len(b); i += 8 {
			if m := textMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto stop
			}
		}
		for ; i < len(b) && !stringStop[b[i]] && b[i] < utf8.RuneSelf; i++ {
		}
		if i >= len(b) {
			return -1, flags
		}
	stop:
		switch c := b[i]; {
		case c == '"':
			return i + 1, flags
		case c == '\\':
			n, f := scanEscape(b, i)
			if n < 0 {
				return -1, flags
			}
			flags |= f
			i = n
		case c >= utf8.RuneSelf:
			// Finish with the loop that ignores non-ASCII bytes.
			end, rest := scanStringFrom(b, i+1)
			return end, flags | rest | textNonASCII
		default:
			return -1, flags
		}
	}
}

// isSpace reports JSON whitespace.
func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// skipSpace returns the index of the first non-whitespace byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanNumber scans the number starting at b[i] and returns the index after
// it. safe reports that it has no exponent and at most 308 integer digits,
// so it is certainly finite as a float64.
func scanNumber(b []byte, i int) (end int, safe bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	start := i
	switch {
	case i >= len(b):
		return -1, false
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i++
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return -1, false
	}
	safe = i-start <= maxSafeIntDigits
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return -1, false
		}
	}
	if i < len(b) && b[i]|0x20 == 'e' {
		safe = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return -1, false
		}
	}
	return i, safe
}

// scanLiteral scans true, false or null at b[i] and returns the index after it.
func scanLiteral(b []byte, i int) int {
	var lit string
	switch b[i] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	case 'n':
		lit = "null"
	default:
		return -1
	}
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// parseFloat is strconv.ParseFloat on a byte slice without copying it.
func parseFloat(num []byte) (float64, error) {
	return strconv.ParseFloat(unsafe.String(unsafe.SliceData(num), len(num)), 64)
}

// floatFinite reports whether encoding/json can decode num into a float64
// (it fails only on overflow).
func floatFinite(num []byte) bool {
	_, err := parseFloat(num)
	return err == nil
}

// parseInt64 parses a JSON number as encoding/json does for an int64 field:
// only integers without fraction or exponent that fit.
func parseInt64(num []byte) (int64, bool) {
	neg := len(num) > 0 && num[0] == '-'
	if neg {
		num = num[1:]
	}
	if len(num) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<63)/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	switch {
	case !neg && n > 1<<63-1, neg && n > 1<<63:
		return 0, false
	case neg:
		return -int64(n), true
	}
	return int64(n), true
}

// skipper validates JSON values it does not decode, keeping a stack of open
// containers. The zero value is ready to use.
type skipper struct {
	stack []byte
	// With indexed, stops lists, ascending, every position of '"', '\\'
	// and control characters in the text being scanned (the unquoter
	// records them while decoding), and strings are scanned by jumping
	// between them instead of reading every byte. next is the first stop
	// not yet passed.
	indexed bool
	stops   []int
	next    int
}

// stringEnd is scanString, through the stop index when there is one.
func (s *skipper) stringEnd(b []byte, i int) (int, uint8) {
	if !s.indexed {
		return scanString(b, i)
	}
	var flags uint8
	i++
	for {
		k := s.next
		for k < len(s.stops) && s.stops[k] < i {
			k++
		}
		s.next = k
		if k == len(s.stops) {
			return -1, flags
		}
		i = s.stops[k]
		switch b[i] {
		case '"':
			return i + 1, flags
		case '\\':
			n, f := scanEscape(b, i)
			if n < 0 {
				return -1, flags
			}
			flags |= f
			i = n
		default: // control character
			return -1, flags
		}
	}
}

// skip scans the value at b[i] (after whitespace) whose container is at
// nesting depth depth, and returns the index after it. With checkNumbers it
// fails on numbers that overflow float64, as decoding into any does.
func (s *skipper) skip(b []byte, i, depth int, checkNumbers bool) int {
	stack := s.stack[:0]
	defer func() { s.stack = stack[:0] }()
	for {
		// A value is expected at i.
		i = skipSpace(b, i)
		if i >= len(b) {
			return -1
		}
		switch c := b[i]; c {
		case '{', '[':
			depth++
			if depth > maxNestingDepth {
				return -1
			}
			i = skipSpace(b, i+1)
			if i >= len(b) {
				return -1
			}
			if b[i] == c+2 { // '}' == '{'+2, ']' == '['+2
				i++
				depth--
				break
			}
			stack = append(stack, c)
			if c == '{' {
				if i = s.objectKey(b, i); i < 0 {
					return -1
				}
			}
			continue
		case '"':
			if i, _ = s.stringEnd(b, i); i < 0 {
				return -1
			}
		case 't', 'f', 'n':
			if i = scanLiteral(b, i); i < 0 {
				return -1
			}
		default:
			start := i
			var safe bool
			if i, safe = scanNumber(b, i); i < 0 {
				return -1
			}
			if checkNumbers && !safe && !floatFinite(b[start:i]) {
				return -1
			}
		}
		// A value ended at i: close containers until one continues.
		for {
			if len(stack) == 0 {
				return i
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return -1
			}
			top := stack[len(stack)-1]
			if b[i] == ',' {
				i++
				if top == '{' {
					if i = s.objectKey(b, skipSpace(b, i)); i < 0 {
						return -1
					}
				}
				break
			}
			if b[i] != top+2 {
				return -1
			}
			i++
			stack = stack[:len(stack)-1]
			depth--
		}
	}
}

// objectKey scans `"key" :` at b[i] and returns the index after the colon.
func (s *skipper) objectKey(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	if i, _ = s.stringEnd(b, i); i < 0 {
		return -1
	}
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return -1
	}
	return i + 1
}

// appendUnquoted appends the decoded content of a valid string literal
// (raw excludes the quotes) exactly as encoding/json decodes it: escapes
// resolved, invalid UTF-8 and unpaired surrogates replaced by U+FFFD.
func appendUnquoted(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		// Copy the run up to the next backslash or non-ASCII byte.
		j := i
		for ; j+8 <= len(raw); j += 8 {
			w := binary.LittleEndian.Uint64(raw[j:])
			s := w ^ (lsb * '\\')
			if m := (((s - lsb) &^ s) | w) & msb; m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				goto stop
			}
		}
		for ; j < len(raw) && raw[j] != '\\' && raw[j] < utf8.RuneSelf; j++ {
		}
	stop:
		dst = append(dst, raw[i:j]...)
		i = j
		if i >= len(raw) {
			break
		}
		if c := raw[i]; c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(raw[i:])
			dst = utf8.AppendRune(dst, r) // RuneError for invalid bytes
			i += size
			continue
		}
		// An escape; the scanner has validated it.
		switch c := raw[i+1]; c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(raw[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if dec := utf16.DecodeRune(r, hex4(raw[i+2:])); dec != unicode.ReplacementChar {
						dst = utf8.AppendRune(dst, dec)
						i += 6
						continue
					}
				}
				r = unicode.ReplacementChar
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
		i += 2
	}
	return dst
}

// hex4 decodes four validated hex digits.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		v := hexValue[c]
		if v < 0 {
			return -1
		}
		r = r<<4 | rune(v)
	}
	return r
}

// unquoter decodes string literals into a reused arena while validating
// them, in one pass: it copies sixteen bytes at a time and only stops at
// quotes, escapes, control characters and non-ASCII bytes. Decoded strings
// are appended to the arena (the decoder empties it for every message);
// slices handed out before the arena grows stay valid (they keep the old
// array).
type unquoter struct {
	arena []byte
	// stops are the positions, in the decoded string of the last scan, of
	// every '"', '\\' and control character (see skipper.stops).
	stops []int
}

// scan scans the string at b[i] == '"' like scanText and also returns its
// decoded content, exactly as appendUnquoted would produce it. Without
// escapes and non-ASCII bytes the content is returned in place.
func (u *unquoter) scan(b []byte, i int) (end int, flags uint8, decoded []byte) {
	u.stops = u.stops[:0]
	start := i + 1
	i = start
	for ; i+8 <= len(b); i += 8 {
		if m := textMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	for ; i < len(b) && !stringStop[b[i]] && b[i] < utf8.RuneSelf; i++ {
	}
	if i < len(b) && b[i] == '"' {
		return i + 1, 0, b[start:i]
	}
	// Copy the plain prefix, then decode the rest.
	arena := u.arena
	o := len(arena)
	base := o
	arena = slices.Grow(arena, i-start+64)
	arena = arena[:cap(arena)]
	o += copy(arena[o:], b[start:i])
	for {
		src, dst := unsafe.Pointer(unsafe.SliceData(b)), unsafe.Pointer(unsafe.SliceData(arena))
		for i+16 <= len(b) && o+16 <= len(arena) {
			// The loop condition keeps both sides in bounds. Words are
			// copied as loaded, whatever the byte order.
			w1 := *(*uint64)(unsafe.Add(src, i))
			w2 := *(*uint64)(unsafe.Add(src, i+8))
			*(*uint64)(unsafe.Add(dst, o)) = w1
			*(*uint64)(unsafe.Add(dst, o+8)) = w2
			if m1, m2 := textMask(toLittle(w1)), textMask(toLittle(w2)); m1|m2 != 0 {
				k := firstFlagged(m1, m2)
				i += k
				o += k
				goto stop
			}
			i += 16
			o += 16
		}
		if i+16 <= len(b) { // the arena is full
			arena = slices.Grow(arena[:o], 64)
			arena = arena[:cap(arena)]
			continue
		}
		for ; i < len(b) && !stringStop[b[i]] && b[i] < utf8.RuneSelf; i++ {
			if o >= len(arena) {
				arena = slices.Grow(arena[:o], 16)
				arena = arena[:cap(arena)]
			}
			arena[o] = b[i]
			o++
		}
		if i >= len(b) {
			u.arena = arena[:base]
			return -1, flags, nil
		}
	stop:
		if o+utf8.UTFMax > len(arena) {
			arena = slices.Grow(arena[:o], 16+len(b)-i)
			arena = arena[:cap(arena)]
		}
		if b[i] == '\\' && i+1 < len(b) && b[i+1] == '"' { // the common escape
			flags |= textEscaped
			arena[o] = '"'
			u.stops = append(u.stops, o-base)
			o++
			i += 2
			continue
		}
		switch c := b[i]; {
		case c == '"':
			u.arena = arena[:o]
			return i + 1, flags, arena[base:o:o]
		case c == '\\':
			if i+1 >= len(b) {
				u.arena = arena[:base]
				return -1, flags, nil
			}
			flags |= textEscaped
			switch e := b[i+1]; e {
			case '"', '\\':
				arena[o] = e
				u.stops = append(u.stops, o-base)
			case '/':
				arena[o] = e
			case 'b':
				arena[o] = '\b'
				u.stops = append(u.stops, o-base)
			case 'f':
				arena[o] = '\f'
				u.stops = append(u.stops, o-base)
			case 'n':
				arena[o] = '\n'
				u.stops = append(u.stops, o-base)
			case 'r':
				arena[o] = '\r'
				u.stops = append(u.stops, o-base)
			case 't':
				arena[o] = '\t'
				u.stops = append(u.stops, o-base)
			case 'u':
				r := hex4(b[i+2 : min(i+6, len(b))])
				if r < 0 {
					u.arena = arena[:base]
					return -1, flags, nil
				}
				i += 6
				if utf16.IsSurrogate(r) {
					flags |= textSurrogate
					if i+6 <= len(b) && b[i] == '\\' && b[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, hex4(b[i+2:i+6])); dec != unicode.ReplacementChar {
							o += utf8.EncodeRune(arena[o:], dec)
							i += 6
							continue
						}
					}
					r = unicode.ReplacementChar
				}
				if r < 0x20 || r == '"' || r == '\\' {
					u.stops = append(u.stops, o-base)
				}
				o += utf8.EncodeRune(arena[o:], r)
				continue
			default:
				u.arena = arena[:base]
				return -1, flags, nil
			}
			o++
			i += 2
		case c < 0x20:
			u.arena = arena[:base]
			return -1, flags, nil
		default:
			flags |= textNonASCII
			// One rune; the common case (sparse accents, symbols) stays
			// in the fast loop between them.
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				o += utf8.EncodeRune(arena[o:], r)
			} else {
				o += copy(arena[o:], b[i:i+size])
			}
			i += size
		}
	}
}
