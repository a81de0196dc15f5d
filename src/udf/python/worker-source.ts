/**
 * The Python side of Python UDFs, written to a temporary folder when a job starts: the worker (`dirk_worker.py`)
 * and a small `pyflink` shim, so Dagger's PyFlink UDF files run unchanged without PyFlink (no PyPI here).
 *
 * The shim covers PyFlink's scalar UDF API as Dagger's examples use it: `from pyflink.table import DataTypes`,
 * `from pyflink.table.udf import udf, ScalarFunction`, `@udf(result_type=..., input_types=...)` on a function,
 * `udf(MyScalarFunction(), result_type=...)` on a class with `eval` (and optional `open` / `close`), and the
 * DataTypes constructors of the types Dirk has. Result types are kept as Flink SQL type names.
 *
 * Protocol (stdin / stdout, one frame = 4-byte big-endian length + UTF-8 JSON):
 *   worker -> Dirk, once:  {"functions": [{"name", "qualified", "result", "inputs" | null, "params", "varargs"}]}
 *                          or {"error": "..."} (a file that does not load, a missing requirement)
 *   Dirk -> worker:        {"id": n, "fn": "NAME", "args": [[a, b], [a, b], ...]}   (one row per inner list)
 *   worker -> Dirk:        {"id": n, "results": [r, r, ...], "errors": {"<row>": "message"}}
 * With `--describe` the worker exits after the first frame (used when the job is prepared).
 */

export const PYFLINK_INIT = '';

export const PYFLINK_TABLE_INIT = `
class _T(str):
    pass

class DataTypes:
    @staticmethod
    def DECIMAL(precision=38, scale=18, nullable=True): return _T('DECIMAL(%d, %d)' % (precision, scale))
    @staticmethod
    def ARRAY(element, nullable=True): return _T('ARRAY<%s>' % element)
    @staticmethod
    def MAP(key, value, nullable=True): return _T('MAP<%s, %s>' % (key, value))

# The types without parameters (a length or precision argument is accepted and ignored).
for _name, _sql in [('STRING', 'STRING'), ('VARCHAR', 'STRING'), ('CHAR', 'STRING'), ('BOOLEAN', 'BOOLEAN'),
                    ('TINYINT', 'INT'), ('SMALLINT', 'INT'), ('INT', 'INT'), ('BIGINT', 'BIGINT'), ('FLOAT', 'FLOAT'),
                    ('DOUBLE', 'DOUBLE'), ('BYTES', 'BYTES'), ('TIMESTAMP', 'TIMESTAMP')]:
    setattr(DataTypes, _name, staticmethod(lambda *args, _sql=_sql, **kwargs: _T(_sql)))
`;

export const PYFLINK_UDF = `
import inspect

class UserDefinedFunction(object):
    def open(self, function_context):
        pass
    def close(self):
        pass
    def is_deterministic(self):
        return True

class ScalarFunction(UserDefinedFunction):
    def eval(self, *args):
        raise NotImplementedError

class FunctionContext(object):
    def get_metric_group(self):
        return None
    def get_job_parameter(self, key, default_value):
        return default_value

class _DirkScalar(object):
    def __init__(self, func, input_types, result_type, deterministic, name):
        if result_type is None:
            raise TypeError('udf() needs result_type (Dirk derives the SQL return type from it)')
        self._instance = func if isinstance(func, UserDefinedFunction) else None
        self._call = func.eval if self._instance is not None else func
        self.dirk_result = str(result_type)
        if input_types is not None and not isinstance(input_types, (list, tuple)):
            input_types = [input_types]
        self.dirk_inputs = None if input_types is None else [str(t) for t in input_types]
        sig = inspect.signature(self._call)
        ps = list(sig.parameters.values())
        self.dirk_varargs = any(p.kind == p.VAR_POSITIONAL for p in ps)
        self.dirk_params = len([p for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])
        self.dirk_name = name
    def open(self):
        if self._instance is not None:
            self._instance.open(FunctionContext())
    def close(self):
        if self._instance is not None:
            self._instance.close()
    def __call__(self, *args):
        return self._call(*args)

def udf(f=None, input_types=None, result_type=None, deterministic=None, name=None, func_type='general', udf_type=None):
    if func_type != 'general':
        raise TypeError('Dirk runs general (row-at-a-time) Python UDFs; func_type=%r is not supported' % func_type)
    if f is None:
        return lambda g: _DirkScalar(g, input_types, result_type, deterministic, name)
    return _DirkScalar(f, input_types, result_type, deterministic, name)
`;

export const WORKER = `
import datetime, decimal, importlib, json, os, struct, sys, traceback, zipfile

def read_frame(stream):
    head = stream.read(4)
    if len(head) < 4:
        return None
    (n,) = struct.unpack('>I', head)
    return json.loads(stream.read(n).decode('utf-8'))

def write_frame(stream, obj):
    data = json.dumps(obj, default=to_json, allow_nan=True).encode('utf-8')
    stream.write(struct.pack('>I', len(data)))
    stream.write(data)
    stream.flush()

def to_json(v):
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        return int(v.timestamp() * 1000)
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return list(v)
    if isinstance(v, (set, tuple)):
        return list(v)
    raise TypeError('a %s cannot be returned to SQL' % type(v).__name__)

def check_requirements(path):
    from importlib import metadata
    missing = []
    with open(path) as f:
        for line in f:
            req = line.split('#')[0].strip()
            if not req or req.startswith('-'):
                continue
            name = req
            for sep in ('==', '>=', '<=', '~=', '!=', '>', '<', '[', ';', ' '):
                name = name.split(sep)[0]
            try:
                metadata.version(name.strip())
            except metadata.PackageNotFoundError:
                missing.append(name.strip())
    if missing:
        raise RuntimeError('PYTHON_REQUIREMENTS: not installed for %s: %s (Dirk does not install packages; install them first)' % (sys.executable, ', '.join(missing)))

def load(files):
    found = {}
    for path in files:
        if path.endswith('.zip'):
            sys.path.insert(0, path)
            with zipfile.ZipFile(path) as z:
                names = [n[:-3] for n in z.namelist() if n.endswith('.py') and not n.endswith('__init__.py')]
        else:
            sys.path.insert(0, os.path.dirname(path))
            names = [os.path.basename(path)[:-3]]
        for mod_name in names:
            qualified = mod_name.replace('/', '.')
            fn_name = qualified.rsplit('.', 1)[-1]
            module = importlib.import_module(qualified)
            fn = getattr(module, fn_name, None)
            if fn is None:
                raise RuntimeError('%s defines no function %s (Dagger registers each file x.py as its function x)' % (path, fn_name))
            if not hasattr(fn, 'dirk_result'):
                raise RuntimeError('%s.%s is not decorated with @udf(result_type=...)' % (qualified, fn_name))
            found[fn_name.upper()] = (qualified + '.' + fn_name, fn)
    return found

def main():
    describe = '--describe' in sys.argv
    spec = json.loads(sys.argv[1])
    out = sys.stdout.buffer
    sys.stdout = sys.stderr
    try:
        if spec.get('requirements'):
            check_requirements(spec['requirements'])
        fns = load(spec['files'])
    except Exception as e:
        write_frame(out, {'error': '%s: %s' % (type(e).__name__, e)})
        return
    write_frame(out, {'functions': [
        {'name': n, 'qualified': q, 'result': f.dirk_result, 'inputs': f.dirk_inputs, 'params': f.dirk_params, 'varargs': f.dirk_varargs}
        for n, (q, f) in fns.items()]})
    if describe:
        return
    for _, f in fns.values():
        f.open()
    stdin = sys.stdin.buffer
    while True:
        req = read_frame(stdin)
        if req is None:
            break
        fn = fns[req['fn']][1]
        results = []
        errors = {}
        for i, args in enumerate(req['args']):
            try:
                results.append(fn(*args))
            except Exception as e:
                results.append(None)
                errors[str(i)] = '%s: %s' % (type(e).__name__, e)
        try:
            write_frame(out, {'id': req['id'], 'results': results, 'errors': errors})
        except TypeError as e:
            write_frame(out, {'id': req['id'], 'results': [None] * len(results), 'errors': {str(i): str(e) for i in range(len(results))}})
    for _, f in fns.values():
        f.close()

main()
`;
