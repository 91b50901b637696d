package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// FindingID is a finding's stable id: the first 16 bytes, in hex, of the
// SHA-256 of its app id, attempt id, detector, stage id and stage attempt
// id, so the same finding of the same app attempt has the same id on
// every run and machine.
func FindingID(f FindingRow) string {
	h := sha256.New()
	for _, part := range []string{f.AppID, f.AttemptID, f.Detector, optID(f.StageID), optID(f.StageAttemptID)} {
		h.Write([]byte(strconv.Itoa(len(part))))
		h.Write([]byte{':'})
		h.Write([]byte(part))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func optID(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}
