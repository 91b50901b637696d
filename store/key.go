package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadKey is wrapped by errors for keys that are empty, absolute or escape the root.
var ErrBadKey = errors.New("bad key")

// CheckKey refuses keys that could escape a store's root.
func CheckKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("key %q: %w: empty", key, ErrBadKey)
	case strings.HasPrefix(key, "/") || strings.Contains(key, "\\") || (len(key) > 1 && key[1] == ':'):
		return fmt.Errorf("key %q: %w: absolute", key, ErrBadKey)
	case strings.ContainsRune(key, 0):
		return fmt.Errorf("key %q: %w: NUL byte", key, ErrBadKey)
	}
	for _, el := range strings.Split(key, "/") {
		if el == ".." || el == "." || el == "" {
			return fmt.Errorf("key %q: %w: %q element", key, ErrBadKey, el)
		}
	}
	return nil
}
