package benchmarks

import "testing"

// TestMatchUsersCatchesShortWork proves the UoW group's check fails a
// library that skipped a row, swapped keys, gave one key twice or left a
// value unwritten.
func TestMatchUsersCatchesShortWork(t *testing.T) {
	users := func() []*User {
		us := makeUsers(3)
		for i, u := range us {
			u.ID = int64(10 + i)
		}
		return us
	}
	rows := func(us []*User) []userRow {
		out := make([]userRow, len(us))
		for i, u := range us {
			out[i] = userRow{ID: u.ID, ID2: u.ID2, Name: u.Name}
		}
		return out
	}
	us := users()
	if err := matchUsers(rows(us), us); err != nil {
		t.Fatalf("complete work rejected: %v", err)
	}
	cases := map[string]func(us []*User, rs []userRow) ([]*User, []userRow){
		"row missing": func(us []*User, rs []userRow) ([]*User, []userRow) { return us, rs[:2] },
		"keys swapped": func(us []*User, rs []userRow) ([]*User, []userRow) {
			us[0].ID, us[1].ID = us[1].ID, us[0].ID
			return us, rs
		},
		"key given twice":  func(us []*User, rs []userRow) ([]*User, []userRow) { us[1].ID = us[0].ID; return us, rs },
		"name not written": func(us []*User, rs []userRow) ([]*User, []userRow) { us[2].Name = "new"; return us, rs },
	}
	for name, spoil := range cases {
		us := users()
		us, rs := spoil(us, rows(us))
		if err := matchUsers(rs, us); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
