package ask

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Answer is the JSON the response schema asks for.
type Answer struct {
	SQL         string   `json:"sql"`
	Explanation string   `json:"explanation"`
	Assumptions []string `json:"assumptions"`
}

// maxSQL bounds the SQL kept from an answer.
const maxSQL = 16 << 10

// parseAnswer decodes text strictly: one JSON object with exactly the
// schema's fields, sql and explanation present.
func parseAnswer(text string) (Answer, error) {
	var a Answer
	text = strings.TrimSpace(text)
	if text == "" {
		return a, errors.New("empty answer")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &fields); err != nil {
		return a, fmt.Errorf("answer is not a JSON object: %w", err)
	}
	for _, f := range []string{"sql", "explanation"} {
		if _, ok := fields[f]; !ok {
			return a, fmt.Errorf("answer has no %s field", f)
		}
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("answer does not match the schema: %w", err)
	}
	a.SQL = unfence(a.SQL)
	switch {
	case len(a.SQL) > maxSQL:
		return a, fmt.Errorf("sql is %d bytes, more than %d", len(a.SQL), maxSQL)
	case len(a.Assumptions) > maxAssumptions:
		return a, fmt.Errorf("%d assumptions, more than %d", len(a.Assumptions), maxAssumptions)
	}
	if a.Assumptions == nil {
		a.Assumptions = []string{}
	}
	return a, nil
}

// unfence trims sql and takes it out of a Markdown code fence (```sql …
// ```), which models add now and then even inside JSON.
func unfence(sql string) string {
	s := strings.TrimSpace(sql)
	if rest, ok := strings.CutPrefix(s, "```"); ok && strings.HasSuffix(rest, "```") {
		rest = strings.TrimSuffix(rest, "```")
		if lang, body, ok := strings.Cut(rest, "\n"); ok && !strings.ContainsAny(strings.TrimSpace(lang), " \t") {
			rest = body
		}
		s = strings.TrimSpace(rest)
	}
	return s
}
