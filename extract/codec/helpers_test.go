package codec

import (
	"encoding/json"
	"path/filepath"
)

func filepathGlob(p string) ([]string, error) { return filepath.Glob(p) }

func jsonValid(b []byte) bool { return json.Valid(b) }
