package router

import "unsafe"

// This file classifies a JSON message where it sits in the payload, still
// escaped as a JSON string, without unescaping or copying it. A message
// that is itself a JSON object appears there with every quote written as
// \" and its whitespace as spaces or \n, \t, \r; classifyEscaped reads
// that form directly. Anything it does not handle (\u escapes in the
// payload literal, escapes in a key or in the level, deep nesting, a
// message that is not a valid JSON object) makes it give up, and the
// decoder takes the unescaping path, which handles every input. So when
// it answers, the answer is the unescaping path's, and the fuzz targets
// (FuzzClassifyInPayload, FuzzDecodeDocument) hold both to encoding/json.

// maxEscapedDepth is the deepest nesting classifyEscaped follows (the
// container stack is one word); deeper messages take the unescaping path.
const maxEscapedDepth = 64

// escapedSpace skips decoded JSON whitespace: spaces and the escapes \n,
// \t and \r.
func escapedSpace(b []byte, i int, flags *uint8) int {
	for i < len(b) {
		switch b[i] {
		case ' ':
			i++
		case '\\':
			if i+1 < len(b) && (b[i+1] == 'n' || b[i+1] == 't' || b[i+1] == 'r') {
				*flags |= textEscaped
				i += 2
				continue
			}
			return i
		default:
			return i
		}
	}
	return i
}

// escapedString scans a decoded string from b[i], just after its opening
// \", to its closing \" and returns the index after it, and whether the
// decoded string holds escapes; -1 when it gives up.
func escapedString(b []byte, i int, flags *uint8) (int, bool) {
	p := unsafe.Pointer(unsafe.SliceData(b))
	decodedEscape := false
	for {
		if *flags&textNonASCII == 0 {
			for ; i+16 <= len(b); i += 16 {
				m1, m2 := textMask(load64(p, i)), textMask(load64(p, i+8))
				if m1|m2 != 0 {
					i += firstFlagged(m1, m2)
					goto stop
				}
			}
		} else { // non-ASCII bytes need no stop once flagged
			for ; i+16 <= len(b); i += 16 {
				m1, m2 := quoteMask(load64(p, i)), quoteMask(load64(p, i+8))
				if m1|m2 != 0 {
					i += firstFlagged(m1, m2)
					goto stop
				}
			}
		}
		for ; i < len(b) && !stringStop[b[i]] && b[i] < 0x80; i++ {
		}
		if i >= len(b) {
			return -1, false
		}
	stop:
		switch c := b[i]; {
		case c == '\\':
			if i+1 >= len(b) {
				return -1, false
			}
			*flags |= textEscaped
			switch b[i+1] {
			case '"': // the decoded string ends
				return i + 2, decodedEscape
			case '/':
				i += 2
			case '\\': // a backslash: an escape of the decoded string
				decodedEscape = true
				if i+2 >= len(b) {
					return -1, false
				}
				switch b[i+2] {
				case '/', 'b', 'f', 'n', 'r', 't':
					i += 3
				case 'u':
					if i+7 > len(b) || hexValue[b[i+3]]|hexValue[b[i+4]]|hexValue[b[i+5]]|hexValue[b[i+6]] < 0 {
						return -1, false
					}
					i += 7
				case '\\': // \\\" is an escaped quote, \\\\ an escaped backslash
					if i+3 >= len(b) || b[i+3] != '"' && b[i+3] != '\\' {
						return -1, false
					}
					i += 4
				default:
					return -1, false
				}
			default:
				// A control character in the decoded string (invalid
				// JSON) or a \u escape.
				return -1, false
			}
		case c >= 0x80:
			*flags |= textNonASCII
			i++
		default: // the payload literal ends, or a control character
			return -1, false
		}
	}
}

// escapedScalar scans a decoded string, literal or number at b[i] and
// returns the index after it, or -1 to give up.
func escapedScalar(b []byte, i int, flags *uint8) int {
	switch b[i] {
	case '\\':
		if i+1 < len(b) && b[i+1] == '"' {
			i, _ = escapedString(b, i+2, flags)
			return i
		}
		return -1
	case 't', 'f', 'n':
		return scanLiteral(b, i)
	}
	start := i
	i, safe := scanNumber(b, i)
	if i < 0 || !safe && !floatFinite(b[start:i]) {
		return -1
	}
	return i
}

// escapedKey scans `\"key\" :` at b[i] and returns the index after the
// colon, or -1 to give up.
func escapedKey(b []byte, i int, flags *uint8) int {
	if i+1 >= len(b) || b[i] != '\\' || b[i+1] != '"' {
		return -1
	}
	if i, _ = escapedString(b, i+2, flags); i < 0 {
		return -1
	}
	if i = escapedSpace(b, i, flags); i >= len(b) || b[i] != ':' {
		return -1
	}
	return i + 1
}

// escapedSkip validates the container at b[i] ('{' or '[') and returns the
// index after it, or -1 to give up.
func escapedSkip(b []byte, i int, flags *uint8) int {
	var stack uint64 // bit k set: the container at depth k+1 is an object
	depth := 0
	for {
		// A value is expected at i.
		if i = escapedSpace(b, i, flags); i >= len(b) {
			return -1
		}
		switch c := b[i]; c {
		case '{', '[':
			if depth == maxEscapedDepth {
				return -1
			}
			if i = escapedSpace(b, i+1, flags); i >= len(b) {
				return -1
			}
			if b[i] == c+2 { // '}' == '{'+2, ']' == '['+2
				i++
				break
			}
			stack <<= 1
			depth++
			if c == '{' {
				stack |= 1
				if i = escapedKey(b, i, flags); i < 0 {
					return -1
				}
			}
			continue
		default:
			if i = escapedScalar(b, i, flags); i < 0 {
				return -1
			}
		}
		// A value ended at i: close containers until one continues.
		for {
			if depth == 0 {
				return i
			}
			if i = escapedSpace(b, i, flags); i >= len(b) {
				return -1
			}
			object := stack&1 != 0
			if b[i] == ',' {
				i++
				if object {
					if i = escapedKey(b, escapedSpace(b, i, flags), flags); i < 0 {
						return -1
					}
				}
				break
			}
			if object && b[i] != '}' || !object && b[i] != ']' {
				return -1
			}
			i++
			stack >>= 1
			depth--
		}
	}
}

// classifyEscaped classifies the message whose payload literal starts at
// b[i] == '"', if it is a JSON object it can read escaped. ok reports that
// it answered; then end is the index after the literal and flags are its
// flags, as scanText reports them, and cl is the message's class.
func classifyEscaped(b []byte, i int) (end int, flags uint8, cl Class, ok bool) {
	if i = escapedSpace(b, i+1, &flags); i >= len(b) || b[i] != '{' {
		return 0, 0, Class{}, false
	}
	var level, status []byte
	if i = escapedSpace(b, i+1, &flags); i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i+1 >= len(b) || b[i] != '\\' || b[i+1] != '"' {
				return 0, 0, Class{}, false
			}
			k := i + 2
			var escaped bool
			if i, escaped = escapedString(b, k, &flags); i < 0 || escaped {
				return 0, 0, Class{}, false
			}
			which := keyOther
			switch string(b[k : i-2]) {
			case "level":
				which = keyLevel
			case "status_code":
				which = keyStatus
			}
			if i = escapedSpace(b, i, &flags); i >= len(b) || b[i] != ':' {
				return 0, 0, Class{}, false
			}
			if i = escapedSpace(b, i+1, &flags); i >= len(b) {
				return 0, 0, Class{}, false
			}
			v := i
			switch b[i] {
			case '{', '[':
				i = escapedSkip(b, i, &flags)
			case '\\':
				if i+1 >= len(b) || b[i+1] != '"' {
					return 0, 0, Class{}, false
				}
				if i, escaped = escapedString(b, i+2, &flags); escaped && which == keyLevel {
					return 0, 0, Class{}, false
				}
			default:
				i = escapedScalar(b, i, &flags)
			}
			if i < 0 {
				return 0, 0, Class{}, false
			}
			// The last occurrence of a key wins, as in a map.
			switch which {
			case keyLevel:
				level = b[v:i]
			case keyStatus:
				status = b[v:i]
			}
			if i = escapedSpace(b, i, &flags); i >= len(b) {
				return 0, 0, Class{}, false
			}
			if b[i] == ',' {
				i = escapedSpace(b, i+1, &flags)
				continue
			}
			if b[i] != '}' {
				return 0, 0, Class{}, false
			}
			i++
			break
		}
	}
	if i = escapedSpace(b, i, &flags); i >= len(b) || b[i] != '"' {
		return 0, 0, Class{}, false
	}
	cl = Class{Format: FormatJSON}
	if len(level) > 0 && level[0] == '\\' { // a string, without escapes
		cl.Tier = levelTier(level[2 : len(level)-2])
	}
	if len(status) > 0 && (status[0] == '-' || '0' <= status[0] && status[0] <= '9') { // a number
		cl.Status, _ = parseFloat(status) // finite: checked while scanning
		cl.HasStatus = true
	}
	return i + 1, flags, cl, true
}
