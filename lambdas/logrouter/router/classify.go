package router

import "unicode/utf8"

// Format says how a message was read.
type Format uint8

// The message formats.
const (
	// FormatPlain is any message that encoding/json cannot decode into a
	// map[string]any: space-delimited text, JSON of another type, broken JSON.
	FormatPlain Format = iota
	// FormatJSON is a message that decodes into a map[string]any (an object,
	// or null).
	FormatJSON
)

// Class is what routing knows about one message.
type Class struct {
	Format Format
	// Tier comes from the top-level "level" string of a JSON message, or
	// from the leading fields of a plain line.
	Tier Tier
	// HasStatus is set when a JSON message has a numeric top-level
	// "status_code"; Status is its value.
	HasStatus bool
	Status    float64
}

// Classifier classifies messages. It reads only the fields routing needs
// and does not allocate once warm. The zero value is ready to use; it is
// not safe for concurrent use.
//
// Its result is defined by, and fuzzed against, this reference: decode the
// message with encoding/json into a map[string]any; on success the tier is
// levelTier(m["level"].(string)) and the status m["status_code"].(float64);
// on failure the message is a plain line (see classifyPlain).
type Classifier struct {
	skipper
	scratch []byte // unescaped message
	key     []byte // unescaped key or level
}

// ClassifyText classifies a message as found in a payload.
func (c *Classifier) ClassifyText(t Text) Class {
	if t.flags&textEscaped == 0 && (t.flags&textNonASCII == 0 || utf8.Valid(t.raw)) {
		return c.Classify(t.raw)
	}
	c.scratch = appendUnquoted(c.scratch[:0], t.raw)
	return c.Classify(c.scratch)
}

// Classify classifies a decoded message.
func (c *Classifier) Classify(msg []byte) Class {
	c.indexed = false
	return c.classify(msg)
}

// classifyWithStops classifies a message whose stops (positions of '"',
// '\\' and control characters) are known, from the unquoter.
func (c *Classifier) classifyWithStops(msg []byte, stops []int) Class {
	c.indexed, c.stops, c.next = true, stops, 0
	return c.classify(msg)
}

func (c *Classifier) classify(msg []byte) Class {
	if cl, ok := c.classifyJSON(msg); ok {
		return cl
	}
	return Class{Format: FormatPlain, Tier: classifyPlain(msg)}
}

// Top-level keys routing reads.
const (
	keyOther = iota
	keyLevel
	keyStatus
)

// classifyJSON classifies msg if encoding/json decodes it into a
// map[string]any: valid JSON, an object or null, every number finite.
func (c *Classifier) classifyJSON(b []byte) (Class, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) {
		return Class{}, false
	}
	if b[i] == 'n' {
		i = scanLiteral(b, i)
		return Class{Format: FormatJSON}, i > 0 && skipSpace(b, i) == len(b)
	}
	if b[i] != '{' {
		return Class{}, false
	}
	// The last occurrence of a key wins, as in a map.
	var level, status []byte
	levelIsString, statusIsNumber := false, false
	levelEscaped := false
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return Class{}, false
			}
			k := i
			var flags uint8
			if i, flags = c.stringEnd(b, i); i < 0 {
				return Class{}, false
			}
			key := b[k+1 : i-1]
			if flags&textEscaped != 0 {
				c.key = appendUnquoted(c.key[:0], key)
				key = c.key
			}
			which := keyOther
			switch string(key) {
			case "level":
				which = keyLevel
			case "status_code":
				which = keyStatus
			}
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				return Class{}, false
			}
			i = skipSpace(b, i+1)
			if i >= len(b) {
				return Class{}, false
			}
			v := i
			isString, isNumber := false, false
			switch b[i] {
			case '"':
				isString = true
				if i, flags = c.stringEnd(b, i); i < 0 {
					return Class{}, false
				}
				if which == keyLevel {
					levelEscaped = flags&textEscaped != 0
				}
			case '{', '[':
				if i = c.skip(b, i, 1, true); i < 0 {
					return Class{}, false
				}
			case 't', 'f', 'n':
				if i = scanLiteral(b, i); i < 0 {
					return Class{}, false
				}
			default:
				isNumber = true
				var safe bool
				if i, safe = scanNumber(b, i); i < 0 || (!safe && !floatFinite(b[v:i])) {
					return Class{}, false
				}
			}
			switch which {
			case keyLevel:
				level, levelIsString = b[v:i], isString
			case keyStatus:
				status, statusIsNumber = b[v:i], isNumber
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return Class{}, false
			}
			if b[i] == ',' {
				i = skipSpace(b, i+1)
				continue
			}
			if b[i] != '}' {
				return Class{}, false
			}
			i++
			break
		}
	}
	if skipSpace(b, i) != len(b) {
		return Class{}, false
	}
	cl := Class{Format: FormatJSON}
	if levelIsString {
		word := level[1 : len(level)-1]
		if levelEscaped { // non-ASCII words never match, escaped or not
			c.key = appendUnquoted(c.key[:0], word)
			word = c.key
		}
		cl.Tier = levelTier(word)
	}
	if statusIsNumber {
		cl.Status, _ = parseFloat(status) // finite: checked while scanning
		cl.HasStatus = true
	}
	return cl, true
}

// plainLevelFields is how many leading fields of a plain line may hold the
// level: "ERROR msg", "[ERROR] 2024-... req msg" (Lambda Python),
// "2024-...\treq\tERROR\tmsg" (Lambda Node.js, the seed's
// [time, request_id, level, ...]) and "time=... level=error msg=..."
// (logfmt, slog's text handler).
const plainLevelFields = 4

// classifyPlain returns the tier of a plain line: the first of its leading
// fields (separated by spaces or tabs) that is a level word, ignoring
// surrounding brackets, a trailing colon and a "level=" prefix.
func classifyPlain(b []byte) Tier {
	i := 0
	for range plainLevelFields {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			break
		}
		start := i
		for i < len(b) && !isSpace(b[i]) {
			i++
		}
		if t := fieldTier(b[start:i]); t != TierUnknown {
			return t
		}
	}
	return TierUnknown
}

// fieldTier returns the tier named by one field of a plain line.
func fieldTier(f []byte) Tier {
	if len(f) > 6 && string(f[:6]) == "level=" {
		f = f[6:]
	}
	if len(f) > 0 && f[0] == '[' {
		f = f[1:]
	}
	if len(f) > 0 && (f[len(f)-1] == ']' || f[len(f)-1] == ':') {
		f = f[:len(f)-1]
	}
	return levelTier(f)
}
