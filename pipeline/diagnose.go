package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/store"
)

// diagnose asks Gemini (or writes the prompts, in dry-run mode) about the
// flagged apps and writes the diagnoses table.
func (o *Options) diagnose(ctx context.Context, res *results, m *Manifest, log *slog.Logger) error {
	if o.Diagnose.Mode == "" || o.Diagnose.Mode == "off" || len(res.candidates) == 0 {
		return nil
	}
	d, err := diagnose.New(ctx, o.Diagnose, StoreCache{o.Out}, PromptWriter(o.Out))
	if err != nil {
		return fmt.Errorf("gemini: %w", err)
	}
	rows := d.Run(ctx, o.RunID, res.candidates)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, r := range rows {
		m.TokensIn += r.InputTokens
		m.TokensOut += r.OutputTokens
		m.LLMCostUSD += r.CostUSD
		log.Info("diagnosis", "app_id", r.AppID, "attempt_id", r.AttemptID, "status", r.Status,
			"input_tokens", r.InputTokens, "output_tokens", r.OutputTokens, "latency_ms", r.LatencyMS)
	}
	m.Diagnoses = int64(len(rows))
	byDay := map[string][]analyze.DiagnosisRow{}
	for _, r := range rows {
		day := res.days[r.AppID+"/"+r.AttemptID]
		byDay[day] = append(byDay[day], r)
	}
	for day, rs := range byDay {
		keys, err := writeRows(ctx, o, "diagnoses", rs, day, res)
		res.mu.Lock()
		res.files = append(res.files, keys...)
		res.mu.Unlock()
		m.RunFiles = append(m.RunFiles, keys...)
		if err != nil {
			o.abandon(res)
			return fmt.Errorf("write diagnoses: %w", err)
		}
	}
	return nil
}

// StoreCache keeps Gemini answers in the output store, keyed by the hash of
// everything that was sent, so the same question is never paid for twice.
type StoreCache struct{ St store.Store }

func (c StoreCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	rc, err := c.St.Open(ctx, cacheDir+key+".json", 0, -1)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return b, err == nil, err
}

func (c StoreCache) Put(ctx context.Context, key string, val []byte) error {
	return c.St.Put(ctx, cacheDir+key+".json", bytes.NewReader(val))
}

// PromptWriter writes dry-run prompts under _sparkmine/prompts/.
func PromptWriter(st store.Store) func(ctx context.Context, name string, data []byte) error {
	return func(ctx context.Context, name string, data []byte) error {
		return st.Put(ctx, promptsDir+name, bytes.NewReader(data))
	}
}
