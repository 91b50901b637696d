package store

import (
	"fmt"
	"strings"
)

// CheckPrefix refuses list prefixes that could escape a store's root. The
// empty prefix (everything) is allowed, and so is a trailing '/' ("a/b/"
// lists what is under the folder a/b); otherwise a prefix follows the rules
// of CheckKey.
func CheckPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if err := CheckKey(strings.TrimSuffix(prefix, "/")); err != nil {
		return fmt.Errorf("prefix %q: %w", prefix, err)
	}
	return nil
}
