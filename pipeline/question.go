package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// RecordQuestion commits the questions row of one `sparkmine ask` as a run
// of its own (part file, then manifest, then publish), so the audit holds
// every question and a crash leaves either the whole row or nothing.
func RecordQuestion(ctx context.Context, out store.Store, version string, row analyze.QuestionRow) error {
	started := time.Now()
	tx := Begin(out, NewRunID(started, All), nil)
	defer tx.Abandon()
	row.RunID = tx.ID().String()
	m := newManifest(tx.ID(), started, out, version)
	m.TokensIn, m.TokensOut, m.LLMCostUSD = row.InputTokens, row.OutputTokens, row.CostUSD
	keys, err := dataset.Questions.Write(ctx, tx, table.Day(row.Time), []analyze.QuestionRow{row})
	if err != nil {
		return fmt.Errorf("write question: %w", err)
	}
	m.RunFiles = keys
	if err := tx.Commit(ctx, m); err != nil {
		return err
	}
	return tx.Publish(ctx)
}

// CacheStore is the LLM answer cache of the dataset in out, under
// _sparkmine/cache/gemini/: the diagnoses' and the questions'.
func CacheStore(out store.Store) Blobs { return Blobs{out, cacheDir} }
