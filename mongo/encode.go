package mongo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// appendValue appends the element key: v, for the values writeValue and
// idValue produce; other values go through the BSON encoder. nil is left
// out.
func appendValue(dst []byte, key string, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return dst, nil
	case string:
		return bsoncore.AppendStringElement(dst, key, x), nil
	case int64:
		return bsoncore.AppendInt64Element(dst, key, x), nil
	case int32:
		return bsoncore.AppendInt32Element(dst, key, x), nil
	case int:
		return bsoncore.AppendInt64Element(dst, key, int64(x)), nil
	case float64:
		return bsoncore.AppendDoubleElement(dst, key, x), nil
	case bool:
		return bsoncore.AppendBooleanElement(dst, key, x), nil
	case time.Time:
		return bsoncore.AppendDateTimeElement(dst, key, x.UnixMilli()), nil
	case bson.ObjectID:
		return bsoncore.AppendObjectIDElement(dst, key, x), nil
	case []byte:
		return bsoncore.AppendBinaryElement(dst, key, 0, x), nil
	case bson.RawValue:
		return bsoncore.AppendValueElement(dst, key, bsoncore.Value{Type: bsoncore.Type(x.Type), Data: x.Value}), nil
	case []any:
		idx, out := bsoncore.AppendArrayElementStart(dst, key)
		var err error
		for i, it := range x {
			if it == nil {
				out = bsoncore.AppendNullElement(out, strconv.Itoa(i))
				continue
			}
			if out, err = appendValue(out, strconv.Itoa(i), it); err != nil {
				return nil, err
			}
		}
		return bsoncore.AppendArrayEnd(out, idx)
	}
	t, data, err := bson.MarshalValue(v)
	if err != nil {
		return nil, fmt.Errorf("mongo: encode %T: %w", v, err)
	}
	return bsoncore.AppendValueElement(dst, key, bsoncore.Value{Type: bsoncore.Type(t), Data: data}), nil
}

// Limits of one insert command: the server's maxWriteBatchSize, and a
// size safely under its 16 MiB command limit.
const (
	maxBatchDocs  = 100000
	maxBatchBytes = 16*1024*1024 - 64*1024
)

// WriteError is a write the server refused (a writeErrors entry of an
// insert command): Index is the document's position in the step.
type WriteError struct {
	Index   int
	Code    int
	Message string
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("mongo: write error %d at document %d: %s", e.Code, e.Index, e.Message)
}

// duplicateKey reports whether code is one of the server's duplicate-key
// codes.
func duplicateKey(code int) bool { return code == 11000 || code == 11001 || code == 12582 }

// insertDocs inserts ordered documents with insert commands, splitting
// them under the server's batch limits (on FerretDB, ferretBatch: its
// ordered insert goes on past a failure into its next hundred documents).
// It returns how many documents the server inserted before the first
// failure. The documents carry their _id, so the official driver's
// InsertMany would decode every one to find it again; building the
// command directly avoids that.
func (x *Executor) insertDocs(ctx context.Context, coll string, docs []bsoncore.Document) (int, error) {
	limit := maxBatchDocs
	if x.d.ferret {
		limit = ferretBatch
	}
	done := 0
	for done < len(docs) {
		end, size := done, 0
		for end < len(docs) && end-done < limit && (end == done || size+len(docs[end])+16 < maxBatchBytes) {
			size += len(docs[end]) + 16
			end++
		}
		n, err := x.insertBatch(ctx, coll, docs[done:end], done)
		done += n
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

func (x *Executor) insertBatch(ctx context.Context, coll string, docs []bsoncore.Document, offset int) (int, error) {
	size := 64 + len(coll)
	for _, d := range docs {
		size += len(d) + 8
	}
	idx, cmd := bsoncore.AppendDocumentStart(make([]byte, 0, size))
	cmd = bsoncore.AppendStringElement(cmd, "insert", coll)
	aidx, cmd := bsoncore.AppendArrayElementStart(cmd, "documents")
	for i, d := range docs {
		cmd = bsoncore.AppendDocumentElement(cmd, strconv.Itoa(i), d)
	}
	cmd, _ = bsoncore.AppendArrayEnd(cmd, aidx)
	cmd = bsoncore.AppendBooleanElement(cmd, "ordered", true)
	cmd, _ = bsoncore.AppendDocumentEnd(cmd, idx)
	var res struct {
		N           int64 `bson:"n"`
		WriteErrors []struct {
			Index  int    `bson:"index"`
			Code   int    `bson:"code"`
			ErrMsg string `bson:"errmsg"`
		} `bson:"writeErrors"`
		WriteConcernError *struct {
			Code   int    `bson:"code"`
			ErrMsg string `bson:"errmsg"`
		} `bson:"writeConcernError"`
	}
	if err := x.d.db.RunCommand(ctx, bson.Raw(cmd)).Decode(&res); err != nil {
		// The driver turns writeErrors of a command reply into a
		// WriteException; ordered, the documents before the first one
		// were inserted.
		var wex mongodrv.WriteException
		if errors.As(err, &wex) && len(wex.WriteErrors) > 0 && wex.WriteConcernError == nil {
			e := wex.WriteErrors[0]
			return e.Index, &WriteError{Index: offset + e.Index, Code: e.Code, Message: e.Message}
		}
		return 0, err
	}
	if len(res.WriteErrors) > 0 {
		we := res.WriteErrors[0]
		return we.Index, &WriteError{Index: offset + we.Index, Code: we.Code, Message: we.ErrMsg}
	}
	if res.WriteConcernError != nil {
		return int(res.N), fmt.Errorf("mongo: write concern error %d: %s", res.WriteConcernError.Code, res.WriteConcernError.ErrMsg)
	}
	return int(res.N), nil
}
