package main

import "errors"

// sampleLogs returns the folder of the bundled sample logs.
func sampleLogs() (string, error) { return "", errors.New("no sample logs yet") }
