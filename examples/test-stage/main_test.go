package main

import (
	"strings"
	"testing"
)

func TestMessage(t *testing.T) {
	if !strings.HasPrefix(message(), "built for ") {
		t.Fatalf("unexpected message %q", message())
	}
}
