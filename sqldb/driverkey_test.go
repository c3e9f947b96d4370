package sqldb

import (
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

func TestDriverKey(t *testing.T) {
	var num pgtype.Numeric
	if err := num.Scan("12345678901234567890"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"int16", int16(7), int64(7)},
		{"int32", int32(-70000), int64(-70000)},
		{"int64", int64(1 << 40), int64(1 << 40)},
		{"uuid", [16]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef},
			"12345678-9abc-def0-0123-456789abcdef"},
		{"numeric", num, "12345678901234567890"},
		{"text", "k-1", "k-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := driverKey(tt.in); got != tt.want {
				t.Errorf("driverKey(%#v) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}
