package testsys

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer that a test may read while a process's output
// is copied into it (exec's copying goroutine writes, the test polls
// String): a plain bytes.Buffer there is a data race.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
