package benchmarks

import (
	"context"
	"testing"
)

// TestOpsAgree runs each library's five operations once and checks what
// they did, so that a benchmark that stopped measuring the real work fails
// in the test suite rather than reporting a fast number.
func TestOpsAgree(t *testing.T) {
	ctx := context.Background()
	for _, lib := range libraries {
		t.Run(lib.name, func(t *testing.T) {
			resetModels(t)
			ops := lib.open(t)
			m := newModel()
			if err := ops.insert(ctx, m); err != nil || m.ID != 1 {
				t.Fatalf("insert: id %d, %v", m.ID, err)
			}
			ms := make([]*Model, multiRows)
			for i := range ms {
				ms[i] = newModel()
			}
			if err := ops.insertMulti(ctx, ms); err != nil || ms[0].ID != 2 || ms[multiRows-1].ID != multiRows+1 {
				t.Fatalf("insertMulti: ids %d … %d, %v", ms[0].ID, ms[multiRows-1].ID, err)
			}
			upd, err := ops.update(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			if err := upd(ctx, 7); err != nil {
				t.Fatalf("update: %v", err)
			}
			checkCounter(t, m.ID, 7)
			id, counter, err := ops.read(ctx, ms[0].ID)
			if err != nil || id != ms[0].ID || counter != 1000 {
				t.Fatalf("read: row %d counter %d, %v", id, counter, err)
			}
			n, counter, err := ops.readSlice(ctx)
			if err != nil || n != multiRows || counter != 1000 {
				t.Fatalf("readSlice: %d rows, last counter %d, %v", n, counter, err)
			}
		})
	}
}
