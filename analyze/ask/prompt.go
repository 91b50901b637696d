package ask

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strings"

	"google.golang.org/genai"
)

// Reference is what the model is told of the dataset: never its rows.
type Reference struct {
	// Schema lists every table and column with its type, meaning and unit
	// (pipeline/fleet builds it from the one schema the MCP resources use).
	Schema string
	// Dates says which days the dataset holds ("apps.dt from … to …").
	Dates string
	// Values lists the values of few-valued text columns, one line per
	// column ("apps.status: 'failed', 'succeeded'"); empty unless
	// Config.SampleValues allows row data in the prompt.
	Values string
}

// SHA256 is the hash of the schema (and the values, when sent): the part
// of the reference that decides whether a cached answer still fits.
func (r Reference) SHA256() string {
	if r.Values == "" {
		return sha256Hex([]byte(r.Schema))
	}
	return hashParts(r.Schema, r.Values)
}

// Prompt is what is sent for one question, in the three parts the SDK
// models, plus the response schema.
type Prompt struct {
	System    string        // role and guardrails
	Reference string        // the schema and the date range
	Query     string        // the (redacted) question and what to answer
	Schema    *genai.Schema // the answer's shape
	Doc       []byte        // the four parts as one JSON document, as stored
	SHA256    string        // hex sha256 of Doc, its name in the audit store
}

// promptDoc is a prompt as the audit store keeps it; Retry holds what
// the second request adds (the refused answer and why).
type promptDoc struct {
	System    string        `json:"system_instruction"`
	Reference string        `json:"reference_information"`
	Query     string        `json:"query"`
	Retry     string        `json:"retry,omitempty"`
	Schema    *genai.Schema `json:"response_schema"`
}

// BuildPrompt builds the prompt of a question (already redacted). It is
// pure: the same question and reference give the same bytes.
func BuildPrompt(question string, ref Reference) Prompt {
	p := Prompt{System: systemInstruction, Reference: reference(ref), Query: query(question), Schema: responseSchema()}
	p.Doc = encodeDoc(promptDoc{System: p.System, Reference: p.Reference, Query: p.Query, Schema: p.Schema})
	p.SHA256 = sha256Hex(p.Doc)
	return p
}

// retry is the prompt of the second request: the first, plus the refused
// answer and the check's message.
func (p Prompt) retry(previous, problem string) Prompt {
	r := p
	r.Query = p.Query + "\n\n" + retryText(previous, problem)
	r.Doc = encodeDoc(promptDoc{System: p.System, Reference: p.Reference, Query: p.Query, Retry: retryText(previous, problem), Schema: p.Schema})
	r.SHA256 = sha256Hex(r.Doc)
	return r
}

func encodeDoc(d promptDoc) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	_ = enc.Encode(d) // strings and a *genai.Schema always encode
	return b.Bytes()
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// hashParts is the hex sha256 of parts, each length-prefixed so no two
// different lists share a hash input.
func hashParts(parts ...string) string {
	h := sha256.New()
	for _, part := range parts {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil))
}

const systemInstruction = `You are an analytics engineer for sparkmine, a dataset of metrics mined from Apache Spark event logs. You answer a question by writing SQL over exactly the tables described in the reference information.
Rules:
1. Write DuckDB SQL: exactly one SELECT statement (WITH … SELECT is fine). Never write INSERT, UPDATE, DELETE, CREATE, COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA or a second statement, and never read files (read_csv, read_parquet, glob).
2. Use only the tables and columns listed in the reference information. Never invent a table or a column.
3. Every table has a dt DATE column: the UTC day the application ended. Durations are in milliseconds, sizes in bytes, costs in USD, unless the column's meaning says otherwise.
4. Write relative dates ("last week", "yesterday") with current_date, so the same SQL stays right on another day; an ISO week is date_trunc('week', …).
5. If the tables cannot answer the question, leave sql empty and say why in the explanation.
6. List in assumptions every interpretation you made (time ranges, thresholds, what "wasted" or "failed" means).
7. Answer only with JSON that matches the response schema.`

func reference(r Reference) string {
	s := "Tables (DuckDB views over the dataset's Parquet files):\n\n" + strings.TrimSpace(r.Schema) +
		"\n\nDates present: " + r.Dates + "\n"
	if r.Values != "" {
		s += "\nValues present in text columns with few values:\n" + r.Values
	}
	return s
}

func query(question string) string {
	return "Question: " + question + "\n\nWrite the SQL that answers it (sql), what its result shows (explanation), and your assumptions."
}

func retryText(previous, problem string) string {
	return "Your previous answer was refused.\nPrevious answer: " + previous + "\nWhy: " + problem +
		"\nCorrect the SQL (or leave it empty if the tables cannot answer) and answer again."
}

// maxAssumptions bounds the assumptions of an answer.
const maxAssumptions = 8

// responseSchema is the answer's shape, enforced by the API and checked
// again on arrival.
func responseSchema() *genai.Schema {
	n := int64(maxAssumptions)
	return &genai.Schema{
		Type: genai.TypeObject,
		Properties: map[string]*genai.Schema{
			"sql":         {Type: genai.TypeString, Description: `one DuckDB SELECT statement, or "" when the tables cannot answer`},
			"explanation": {Type: genai.TypeString, Description: "what the result shows, or why the tables cannot answer"},
			"assumptions": {Type: genai.TypeArray, MaxItems: &n, Items: &genai.Schema{Type: genai.TypeString}},
		},
		Required:         []string{"sql", "explanation", "assumptions"},
		PropertyOrdering: []string{"sql", "explanation", "assumptions"},
	}
}
