namespace Corgi.FsCheck

open System
open Corgi
open global.FsCheck
open global.FsCheck.FSharp

/// FsCheck generators of shapes, tensors and op-compatible cases. Sizes follow FsCheck's size parameter,
/// so the first tests of a run are scalars and vectors, and tensors stay small (at most
/// <see cref="maxElements"/> elements) so that finite differences stay cheap.
/// <example>
/// <code>
/// let prop = Prop.forAll (Arb.fromGen (TensorGen.shape |> Gen.bind TensorGen.positiveOf)) (fun x ->
///     Corgi.FSharp.Check.gradient1 (fun t -> t.Log().Sum()) x |> fun r -> r.Passed)
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module TensorGen =

    /// The largest number of elements a generated tensor has (48).
    [<Literal>]
    let maxElements = 48

    let private signed (lo: int) (hi: int) (scale: float) =
        Gen.zip (Gen.elements [ -1.0; 1.0 ]) (Gen.choose (lo, hi))
        |> Gen.map (fun (s, v) -> s * float v / scale)

    /// One value of a domain (see <see cref="Domain"/> for the ranges).
    let value (domain: Domain) : Gen<float> =
        match domain with
        | Domain.General -> Gen.choose (-200, 200) |> Gen.map (fun v -> float v / 100.0)
        | Domain.Positive -> Gen.choose (20, 300) |> Gen.map (fun v -> float v / 100.0)
        | Domain.NonZero -> signed 50 200 100.0
        | Domain.AwayFromKinks -> signed 10 200 100.0
        | Domain.Tenths -> Gen.choose (-20, 20) |> Gen.map (fun v -> float v / 10.0)
        | Domain.OddTwentieths -> Gen.choose (-20, 19) |> Gen.map (fun v -> float (2 * v + 1) / 20.0)
        | Domain.Large -> signed 500 1000 1.0

    /// n values of a domain.
    let values (domain: Domain) (n: int) : Gen<float[]> = Gen.arrayOfLength n (value domain)

    /// n pairwise-distinct values (distinct multiples of 0.1 in [-3, 3], in random order); n &lt;= 61.
    let distinctValues (n: int) : Gen<float[]> =
        if n > 61 then invalidArg (nameof n) $"distinctValues: at most 61 distinct values can be drawn, not {n}"
        Gen.shuffle [| -30 .. 30 |] |> Gen.map (fun a -> Array.init n (fun i -> float a.[i] / 10.0))

    /// The number of elements of a shape.
    let count (shape: int[]) = Array.fold (*) 1 shape

    /// Halves the largest dimension until the shape has at most maxCount elements.
    let capElements (maxCount: int) (shape: int[]) =
        let s = Array.copy shape
        while count s > maxCount do
            let i = Array.findIndex ((=) (Array.max s)) s
            s.[i] <- max 1 (s.[i] / 2)
        s

    /// A dimension size: 1 about a quarter of the time, else 1..4 as the size grows.
    let dim : Gen<int> =
        Gen.sized (fun size ->
            let hi = 1 + min 3 (size / 15)
            Gen.frequency [ 1, Gen.constant 1; 3, Gen.choose (1, hi) ])

    /// A shape of the given rank (at most <see cref="maxElements"/> elements).
    let shapeOfRank (rank: int) : Gen<int[]> =
        Gen.arrayOfLength rank dim |> Gen.map (capElements maxElements)

    /// A rank between minRank and maxRank, growing with the size.
    let rankBetween (minRank: int) (maxRank: int) : Gen<int> =
        Gen.sized (fun size -> Gen.choose (minRank, max minRank (min maxRank (minRank + size / 10))))

    /// A shape of rank minRank..maxRank.
    let shapeBetween (minRank: int) (maxRank: int) : Gen<int[]> = rankBetween minRank maxRank |> Gen.bind shapeOfRank

    /// A shape of rank 0 to 4 with small dimensions (including 1).
    let shape : Gen<int[]> = shapeBetween 0 4

    /// A tensor of a shape with values from a domain.
    let tensorIn (domain: Domain) (shape: int[]) : Gen<Tensor> =
        values domain (count shape) |> Gen.map (fun v -> Tensor(shape, v))

    /// A tensor of a shape with well-conditioned values in [-2, 2].
    let tensorOf (shape: int[]) : Gen<Tensor> = tensorIn Domain.General shape

    /// A tensor of a shape with values in [0.2, 3] (log, sqrt, pow).
    let positiveOf (shape: int[]) : Gen<Tensor> = tensorIn Domain.Positive shape

    /// A tensor of a shape with |values| in [0.5, 2] (denominators).
    let nonZeroOf (shape: int[]) : Gen<Tensor> = tensorIn Domain.NonZero shape

    /// A tensor of a shape with |values| in [0.1, 2] (relu, abs, leaky relu).
    let awayFromKinksOf (shape: int[]) : Gen<Tensor> = tensorIn Domain.AwayFromKinks shape

    /// A tensor of a shape with pairwise-distinct values (max/min along any dimension never tie).
    let distinctOf (shape: int[]) : Gen<Tensor> =
        distinctValues (count shape) |> Gen.map (fun v -> Tensor(shape, v))

    /// A tensor of random shape (rank 0-4) with values in [-2, 2].
    let tensor : Gen<Tensor> = shape |> Gen.bind tensorOf

    /// A tensor of random shape with values from a domain.
    let tensorWith (domain: Domain) : Gen<Tensor> = shape |> Gen.bind (tensorIn domain)

    /// A shape that broadcasts to the given one: some leading dimensions dropped, some others set to 1.
    let broadcastableTo (target: int[]) : Gen<int[]> =
        gen {
            let! drop = Gen.frequency [ 3, Gen.constant 0; 1, Gen.choose (0, target.Length) ]
            let! ones = Gen.arrayOfLength (target.Length - drop) (Gen.frequency [ 2, Gen.constant false; 1, Gen.constant true ])
            return Array.init (target.Length - drop) (fun i -> if ones.[i] then 1 else target.[drop + i])
        }

    /// Two shapes that broadcast together (like [2,3] and [1,3], or [4,1,2] and [3,1]), in either order.
    let broadcastShapes : Gen<int[] * int[]> =
        gen {
            let! target = shape
            let! a = broadcastableTo target
            let! b = broadcastableTo target
            // make sure one side can be the full shape sometimes
            let! full = Gen.frequency [ 2, Gen.constant 0; 1, Gen.constant 1; 1, Gen.constant 2 ]
            return
                match full with
                | 1 -> target, b
                | 2 -> a, target
                | _ -> a, b
        }

    /// Two broadcast-compatible tensors with values from the given domains.
    let broadcastPairIn (left: Domain) (right: Domain) : Gen<Tensor * Tensor> =
        gen {
            let! sa, sb = broadcastShapes
            let! a = tensorIn left sa
            let! b = tensorIn right sb
            return a, b
        }

    /// Two broadcast-compatible tensors with values in [-2, 2].
    let broadcastPair : Gen<BroadcastPair> =
        broadcastPairIn Domain.General Domain.General |> Gen.map (fun (a, b) -> { Left = a; Right = b })

    /// Two broadcast-compatible tensors that never tie element-wise (multiples of 0.1 against odd multiples of 0.05).
    let separatedPair : Gen<SeparatedPair> =
        broadcastPairIn Domain.Tenths Domain.OddTwentieths |> Gen.map (fun (a, b) -> { Left = a; Right = b })

    /// A dimension index of a tensor of rank &gt;= 1, written negative half of the time.
    let axis (rank: int) : Gen<int> =
        if rank < 1 then invalidArg (nameof rank) "axis: a tensor of rank 0 has no dimension"
        Gen.zip (Gen.choose (0, rank - 1)) (Gen.elements [ false; true ])
        |> Gen.map (fun (a, negative) -> if negative then a - rank else a)

    /// A list of distinct dimension indices of a tensor of the given rank (possibly empty; some written negative), in random order.
    let axes (rank: int) : Gen<int[]> =
        gen {
            let! chosen = Gen.subListOf [ 0 .. rank - 1 ]
            let! order = Gen.shuffle (Array.ofSeq chosen)
            let! signs = Gen.arrayOfLength order.Length (Gen.elements [ false; true ])
            return Array.map2 (fun a negative -> if negative then a - rank else a) order signs
        }

    /// A permutation of 0..rank-1.
    let permutation (rank: int) : Gen<int[]> = Gen.shuffle [| 0 .. rank - 1 |]

    /// A sum/mean case: a tensor of rank 0-4, random dimensions, random keepDim.
    let reductionCase : Gen<ReductionCase> =
        gen {
            let! x = tensor
            let! dims = axes x.Rank
            let! keep = Gen.elements [ false; true ]
            return { Input = x; Dims = dims; KeepDim = keep }
        }

    /// A max/min/softmax case: a tensor of rank 1-4 with pairwise-distinct values and one of its dimensions.
    let axisCase : Gen<AxisCase> =
        gen {
            let! s = shapeBetween 1 4
            let! x = distinctOf s
            let! d = axis x.Rank
            let! keep = Gen.elements [ false; true ]
            return { Input = x; Dim = d; KeepDim = keep }
        }

    let private swapLast (s: int[]) =
        let r = Array.copy s
        let n = r.Length
        r.[n - 1] <- s.[n - 2]
        r.[n - 2] <- s.[n - 1]
        r

    /// A valid matrix product: vector·vector, vector·matrix, matrix·vector, matrix·matrix, batch·matrix,
    /// matrix·batch and batch·batch with broadcast batch dimensions; transpose flags on operands of
    /// rank 2 or more; and a bias broadcasting to the product a third of the time.
    let matMulCase : Gen<MatMulCase> =
        gen {
            let! m = dim
            let! k = dim
            let! n = dim
            let! batch = shapeBetween 0 2
            // rank of each side: 1 (vector), 2 (matrix) or 2 + batch dims
            let! leftKind = Gen.elements [ 1; 2; 3 ]
            let! rightKind = Gen.elements [ 1; 2; 3 ]
            let! leftBatch = broadcastableTo batch
            let! rightBatch = broadcastableTo batch
            let! ta = Gen.elements [ false; true ]
            let! tb = Gen.elements [ false; true ]
            let leftLogical =
                match leftKind with
                | 1 -> [| k |]
                | 2 -> [| m; k |]
                | _ -> Array.append leftBatch [| m; k |]
            let rightLogical =
                match rightKind with
                | 1 -> [| k |]
                | 2 -> [| k; n |]
                | _ -> Array.append rightBatch [| k; n |]
            let ta = ta && leftLogical.Length >= 2
            let tb = tb && rightLogical.Length >= 2
            let! a = tensorOf (if ta then swapLast leftLogical else leftLogical)
            let! b = tensorOf (if tb then swapLast rightLogical else rightLogical)
            let outShape =
                let batchOut =
                    let la = if leftLogical.Length > 2 then leftLogical.[.. leftLogical.Length - 3] else [||]
                    let lb = if rightLogical.Length > 2 then rightLogical.[.. rightLogical.Length - 3] else [||]
                    let r = max la.Length lb.Length
                    let at (s: int[]) i = if i < r - s.Length then 1 else s.[i - (r - s.Length)]
                    Array.init r (fun i -> max (at la i) (at lb i))
                Array.concat [ batchOut
                               (if leftLogical.Length >= 2 then [| m |] else [||])
                               (if rightLogical.Length >= 2 then [| n |] else [||]) ]
            let! withBias = Gen.frequency [ 2, Gen.constant false; 1, Gen.constant true ]
            let! bias =
                if withBias then broadcastableTo outShape |> Gen.bind tensorOf |> Gen.map Some
                else Gen.constant None
            return { Left = a; Right = b; TransposeLeft = ta; TransposeRight = tb; Bias = bias }
        }

    /// A number between lo and hi whose upper end grows with the size (lo for the first tests of a run).
    let private upTo (lo: int) (hi: int) : Gen<int> =
        Gen.sized (fun size -> Gen.choose (lo, max lo (min hi (lo + size / 12))))

    /// The largest number of elements of a generated conv2d input (75: one 3 x 5 x 5 image).
    [<Literal>]
    let maxConvInput = 75

    /// The largest number of elements of generated conv2d filters (81: one 9 x 9 kernel).
    [<Literal>]
    let maxConvFilters = 81

    /// A valid conv2d case: batch 1-3, channels 1-3 in and out, height and width 1-5, stride 1-3 and padding
    /// 0-2 in each direction (independently, so non-square strides and paddings occur), kernels from 1 up to
    /// the padded input size (the output is then 1 wide), values in [-2, 2], a bias half of the time. The
    /// input has at most <see cref="maxConvInput"/> elements (large images come in small batches) and the
    /// filters at most <see cref="maxConvFilters"/> (large kernels come with few channels).
    let conv2dCase : Gen<Conv2dCase> =
        gen {
            let! n = upTo 1 3
            let! c = upTo 1 3
            let! o = upTo 1 3
            let! h = upTo 1 5
            let! w = upTo 1 5
            let! sh = upTo 1 3
            let! sw = Gen.frequency [ 2, Gen.constant sh; 1, upTo 1 3 ]
            let! ph = upTo 0 2
            let! pw = Gen.frequency [ 2, Gen.constant ph; 1, upTo 0 2 ]
            let! kh = Gen.choose (1, h + 2 * ph)
            let! kw = Gen.frequency [ 1, Gen.constant (min kh (w + 2 * pw)); 2, Gen.choose (1, w + 2 * pw) ]
            // few channels for large kernels, then a small batch for large images
            let o = if o * c * kh * kw > maxConvFilters then max 1 (maxConvFilters / (c * kh * kw)) else o
            let c = if o * c * kh * kw > maxConvFilters then max 1 (maxConvFilters / (o * kh * kw)) else c
            let n = if n * c * h * w > maxConvInput then max 1 (maxConvInput / (c * h * w)) else n
            let! x = tensorOf [| n; c; h; w |]
            let! f = tensorOf [| o; c; kh; kw |]
            let! withBias = Gen.elements [ false; true ]
            let! bias = if withBias then tensorOf [| o |] |> Gen.map Some else Gen.constant None
            return { Input = x; Filters = f; Bias = bias; Stride = (sh, sw); Padding = (ph, pw) }
        }

    /// A valid pooling case: batch 1-2, channels 1-3, height and width 1-5 (at most 61 elements, pairwise
    /// distinct), padding 0-2 and a window from max(1, 2·padding) up to the padded input size in each
    /// direction (the ops allow padding up to half the window), stride 1-3; square windows, strides and
    /// paddings most of the time.
    let pool2dCase : Gen<Pool2dCase> =
        gen {
            let! n = upTo 1 2
            let! c = upTo 1 3
            let! h = upTo 1 5
            let! w = upTo 1 5
            let! square = Gen.frequency [ 2, Gen.constant true; 1, Gen.constant false ]
            let! ph = upTo 0 2
            let! pw = if square then Gen.constant ph else upTo 0 2
            let! kh = Gen.choose (max 1 (2 * ph), h + 2 * ph)
            let! kw =
                if square && kh <= w + 2 * pw then Gen.constant kh
                else Gen.choose (max 1 (2 * pw), w + 2 * pw)
            let! sh = Gen.frequency [ 1, Gen.constant kh; 2, upTo 1 3 ]
            let! sw = if square && kh = kw then Gen.constant sh else upTo 1 3
            let shape = capElements 61 [| n; c; h; w |]
            // capping may shrink h or w below what the window needs: give the window back what it lost
            let shape = [| shape.[0]; shape.[1]; max shape.[2] (kh - 2 * ph); max shape.[3] (kw - 2 * pw) |]
            let shape = if count shape > 61 then [| 1; 1; shape.[2]; shape.[3] |] else shape
            let! x = distinctOf shape
            return { Input = x; Kernel = (kh, kw); Stride = (sh, sw); Padding = (ph, pw) }
        }

    /// Probability rows [b, k]: integer weights 1-9 normalised per row, so every row sums to 1 and every entry
    /// is at least 1 / (1 + 9 (k - 1)).
    let probabilityRows (b: int) (k: int) : Gen<Tensor> =
        Gen.arrayOfLength (b * k) (Gen.choose (1, 9))
        |> Gen.map (fun weights ->
            let v = Array.zeroCreate (b * k)
            for r in 0 .. b - 1 do
                let total = Array.sum weights.[r * k .. r * k + k - 1] |> float
                for j in 0 .. k - 1 do
                    v.[r * k + j] <- float weights.[r * k + j] / total
            Tensor([| b; k |], v))

    /// A classification case with logits from a domain: 1-4 rows, 1-5 classes, probability rows (see
    /// <see cref="probabilityRows"/>) and random labels.
    let classificationCaseIn (logits: Domain) : Gen<ClassificationCase> =
        gen {
            let! b = upTo 1 4
            let! k = Gen.frequency [ 1, Gen.constant 1; 6, upTo 2 5 ]
            let! z = tensorIn logits [| b; k |]
            let! p = probabilityRows b k
            let! labels = Gen.arrayOfLength b (Gen.choose (0, k - 1))
            return { Logits = z; Probabilities = p; Labels = labels }
        }

    /// A classification case with logits in [-2, 2].
    let classificationCase : Gen<ClassificationCase> = classificationCaseIn Domain.General

    /// A classification case with logits of magnitude 500-1000.
    let largeLogitsCase : Gen<LargeLogitsCase> = classificationCaseIn Domain.Large |> Gen.map LargeLogitsCase

    /// A binary cross-entropy case of random shape (rank 0-4): probabilities in [0.05, 0.95], targets 0/1
    /// half of the time, else soft targets in [0, 1].
    let binaryCase : Gen<BinaryCase> =
        gen {
            let! s = shape
            let n = count s
            let! p = Gen.arrayOfLength n (Gen.choose (5, 95))
            let! hard = Gen.elements [ false; true ]
            let! t = Gen.arrayOfLength n (if hard then Gen.elements [ 0; 100 ] else Gen.choose (0, 100))
            return
                { Probabilities = Tensor(s, p |> Array.map (fun v -> float v / 100.0))
                  Targets = Tensor(s, t |> Array.map (fun v -> float v / 100.0)) }
        }

    /// A dropout case: a tensor of random shape, a probability in [0, 1] in steps of 0.05 (0 and 1 a tenth of
    /// the time each), and a seed.
    let dropoutCase : Gen<DropoutCase> =
        gen {
            let! x = tensor
            let! p = Gen.frequency [ 1, Gen.constant 0.0; 1, Gen.constant 1.0; 8, Gen.choose (1, 19) |> Gen.map (fun v -> float v / 20.0) ]
            let! seed = Gen.choose (0, Int32.MaxValue - 1)
            return { Input = x; Probability = p; Seed = seed }
        }

    // ------------------------------------------------------------------ dtypes

    /// float32 or float64, equally often.
    let dtype : Gen<DType> = Gen.elements [ DType.Float32; DType.Float64 ]

    /// The generated tensors in a dtype (float64 to float32 rounds the short decimals once; every domain's
    /// spacing of at least 0.01 survives): <c>TensorGen.tensor |> TensorGen.inDType DType.Float32</c>.
    let inDType (dtype: DType) (tensors: Gen<Tensor>) : Gen<Tensor> = tensors |> Gen.map (fun t -> t.To(dtype).Detach())

    /// A tensor of a dtype and shape with values from a domain.
    let tensorInOf (dtype: DType) (domain: Domain) (shape: int[]) : Gen<Tensor> = tensorIn domain shape |> inDType dtype

    /// A tensor of random shape (rank 0-4) and random dtype, values in [-2, 2].
    let anyDTypeTensor : Gen<Tensor> = Gen.zip dtype tensor |> Gen.map (fun (dt, t) -> t.To(dt).Detach())

    /// Broadcast-compatible pairs in a dtype.
    let broadcastPairOf (dtype: DType) : Gen<BroadcastPair> = broadcastPair |> Gen.map (fun p -> p.WithDType dtype)

    /// Matrix-product cases in a dtype.
    let matMulCaseOf (dtype: DType) : Gen<MatMulCase> = matMulCase |> Gen.map (fun c -> c.WithDType dtype)

    /// Reduction cases in a dtype.
    let reductionCaseOf (dtype: DType) : Gen<ReductionCase> = reductionCase |> Gen.map (fun c -> c.WithDType dtype)

    /// Max/min/softmax cases in a dtype.
    let axisCaseOf (dtype: DType) : Gen<AxisCase> = axisCase |> Gen.map (fun c -> c.WithDType dtype)

    /// conv2d cases in a dtype.
    let conv2dCaseOf (dtype: DType) : Gen<Conv2dCase> = conv2dCase |> Gen.map (fun c -> c.WithDType dtype)

    /// Pooling cases in a dtype.
    let pool2dCaseOf (dtype: DType) : Gen<Pool2dCase> = pool2dCase |> Gen.map (fun c -> c.WithDType dtype)

    /// A broadcast-compatible pair whose operands' dtypes are drawn independently (all four combinations).
    let mixedPair : Gen<MixedPair> =
        gen {
            let! a, b = broadcastPairIn Domain.General Domain.General
            let! da = dtype
            let! db = dtype
            return MixedPair(a.To(da).Detach(), b.To(db).Detach())
        }
