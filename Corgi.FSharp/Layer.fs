namespace Corgi.FSharp

open System
open System.Collections.Generic
open Corgi
open Corgi.NN

/// <summary>
/// How a layer's parameters get their first values: a recipe that, given the random source of the network
/// being built (see <c>Layer.seed</c>), gives a <see cref="T:Corgi.NN.Initializer"/>. Build one with the
/// <c>Init</c> module: <c>Init.he</c>, <c>Init.xavierUniform</c>, <c>Init.constant 0.5</c>, ...
/// </summary>
/// <remarks>
/// An <c>Init</c> holds no random state of its own: the seed of a network lives in one place, the blueprint
/// (<c>Layer.seed 42</c>), so building the same blueprint twice gives the same parameters.
/// </remarks>
[<Sealed>]
type Init internal (name: string, create: Random -> Initializer) =
    /// <summary>The Corgi.NN initializer drawing from <paramref name="random"/>.</summary>
    member _.Create(random: Random) : Initializer =
        ArgumentNullException.ThrowIfNull random
        create random

    /// <summary>The initializer's name.</summary>
    member _.Name = name

    /// <summary>The initializer's name.</summary>
    override _.ToString() = name

/// <summary>
/// Initializers for <c>Layer.initializer</c> and the layer options records: <c>Init.he</c> (the default),
/// <c>Init.heNormal</c>, <c>Init.xavierUniform</c>, <c>Init.xavierNormal</c>, <c>Init.zeros</c>,
/// <c>Init.constant</c>, <c>Init.custom</c>, <c>Init.ofInitializer</c>.
/// </summary>
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Init =

    /// <summary>The seed's He initializer: uniform in ±sqrt(2 / fan_in). The default of every layer.</summary>
    [<CompiledName("He")>]
    let he: Init = Init("he", fun random -> Initializer.He(random))

    /// <summary>He (Kaiming) normal: normal with mean 0 and standard deviation sqrt(2 / fan_in).</summary>
    [<CompiledName("HeNormal")>]
    let heNormal: Init = Init("he_normal", fun random -> Initializer.HeNormal(random))

    /// <summary>Xavier (Glorot) uniform: uniform in ±sqrt(6 / (fan_in + fan_out)).</summary>
    [<CompiledName("XavierUniform")>]
    let xavierUniform: Init = Init("xavier_uniform", fun random -> Initializer.XavierUniform(random))

    /// <summary>Xavier (Glorot) normal: normal with standard deviation sqrt(2 / (fan_in + fan_out)).</summary>
    [<CompiledName("XavierNormal")>]
    let xavierNormal: Init = Init("xavier_normal", fun random -> Initializer.XavierNormal(random))

    /// <summary>Every value equal to <paramref name="value"/>: <c>Init.constant 0.5</c>.</summary>
    [<CompiledName("Constant")>]
    let constant (value: float) : Init =
        Init(sprintf "constant(%g)" value, fun _ -> Initializer.Constant value)

    /// <summary>All zeros (a common choice for biases: <c>{ Layer.DenseOptions.defaults with BiasInit = Some Init.zeros }</c>).</summary>
    [<CompiledName("Zeros")>]
    let zeros: Init = constant 0.0

    /// <summary>A fixed Corgi.NN initializer (it keeps its own random source and ignores <c>Layer.seed</c>).</summary>
    [<CompiledName("OfInitializer")>]
    let ofInitializer (initializer: Initializer) : Init =
        ArgumentNullException.ThrowIfNull initializer
        Init(string initializer, fun _ -> initializer)

    type private FunctionInitializer(random: Random, create: Random -> int list -> int -> int -> Tensor) =
        inherit Initializer()

        override _.Create(shape, fanIn, fanOut) =
            let t = create random (List.ofArray shape) fanIn fanOut
            if t.Shape <> shape then
                invalidArg "create" (sprintf "init: the custom initializer returned shape [%s] for a parameter of shape [%s]" (String.Join(",", t.Shape)) (String.Join(",", shape)))
            t

    /// <summary>
    /// An initializer from a function of the network's random source, the parameter's shape, its fan-in and
    /// its fan-out, which must return a tensor of that shape.
    /// </summary>
    /// <example>
    /// <code>
    /// let lecun = Init.custom "lecun" (fun random shape fanIn _ ->
    ///     Tensor.RandomNormal(Array.ofList shape, random, 0.0, sqrt (1.0 / float fanIn)))
    /// </code>
    /// </example>
    [<CompiledName("Custom")>]
    let custom (name: string) (create: Random -> int list -> int -> int -> Tensor) : Init =
        Init(name, fun random -> FunctionInitializer(random, create) :> Initializer)

    /// <summary>The Corgi.NN initializer of <paramref name="init"/> drawing from a new random source with this seed (for C# layers).</summary>
    [<CompiledName("ToInitializer")>]
    let toInitializer (seed: int) (init: Init) : Initializer = init.Create(Random seed)

/// What the layers so far are known to output, for the checks made while building.
type internal OutputHint =
    | Unknown
    /// [..., n]: the last dimension has n features (after a dense layer).
    | Features of int
    /// [N, c, H, W]: c channels (after a convolution).
    | Channels of int

/// <summary>
/// A network under construction: the layers so far, the random source and initializer that the next layers
/// draw from. A <see cref="T:Corgi.FSharp.Layer"/> is a function from one stack to the next; <c>Layer.build</c>
/// starts from an empty stack.
/// </summary>
[<Sealed>]
type LayerStack internal (reversed: ILayer list, random: Random, init: Init, output: OutputHint, dtype: DType option) =

    /// <summary>The layers so far, in order.</summary>
    member _.Layers: ILayer list = List.rev reversed

    /// <summary>How many layers the stack holds.</summary>
    member _.Count = List.length reversed

    /// <summary>The initializer of the next layers that do not name their own.</summary>
    member _.Init = init

    /// <summary>The dtype of the next layers' parameters: None (the default) means <c>Tensor.DefaultDType</c>.</summary>
    member _.DType: DType option = dtype

    member internal _.Random = random
    member internal _.Output = output
    /// The dtype for a C# layer constructor (null: the default dtype).
    member internal _.DTypeArg: Nullable<DType> = Option.toNullable dtype
    member internal _.Push(layer: ILayer, next: OutputHint) = LayerStack(layer :: reversed, random, init, next, dtype)
    member internal _.WithRandom(r: Random) = LayerStack(reversed, r, init, output, dtype)
    member internal _.WithInit(i: Init) = LayerStack(reversed, random, i, output, dtype)
    member internal _.WithDType(d: DType) = LayerStack(reversed, random, init, output, Some d)
    /// An empty stack continuing this one's random source, initializer, output and dtype (for sub-networks).
    member internal _.Fork() = LayerStack([], random, init, output, dtype)

    /// <summary>An empty stack with a new unseeded random source, the He initializer and the default dtype.</summary>
    static member Empty() = LayerStack([], Random(Random.Shared.Next()), Init.he, Unknown, None)

    /// <summary>The layers, like a Sequential.</summary>
    override _.ToString() = "LayerStack(" + String.Join(", ", List.rev reversed) + ")"

/// <summary>
/// A layer as a value: a blueprint that adds layers to a <see cref="T:Corgi.FSharp.LayerStack"/>. Because it
/// is an ordinary F# function, FSharp.Core's <c>&gt;&gt;</c> composes layers:
/// <c>Layer.dense 784 256 &gt;&gt; Layer.relu &gt;&gt; Layer.dense 256 10</c>. Parameters are created when the
/// blueprint is built (<c>Model.create</c>, <c>Layer.build</c>), fresh for every build.
/// </summary>
type Layer = LayerStack -> LayerStack

/// A parameter-free layer from an F# function (activations, reshapes, custom functions).
type internal FunctionLayer(name: string, f: Tensor -> Tensor, preservesShape: bool) =
    member _.PreservesShape = preservesShape

    interface ILayer with
        member _.Forward(input) =
            ArgumentNullException.ThrowIfNull input
            f input

        member _.Parameters = Array.Empty<Parameter>() :> IReadOnlyList<Parameter>

    override _.ToString() = name

/// y = x + body(x).
type internal ResidualLayer(body: Sequential) =
    member _.Body = body

    interface ITrainingModeLayer with
        member _.Forward(input) =
            ArgumentNullException.ThrowIfNull input
            input.Add(body.Forward input)

        member _.Parameters = body.Parameters

        member _.Training
            with get () = body.Training
            and set value = body.Training <- value

    override _.ToString() = sprintf "Residual(%O)" body

/// <summary>
/// Layers as values and combinators. A <see cref="T:Corgi.FSharp.Layer"/> is a blueprint (a function
/// <c>LayerStack -&gt; LayerStack</c>), so F#'s own <c>&gt;&gt;</c> composes them and <c>id</c> is the empty network:
/// </summary>
/// <example>
/// <code>
/// let mlp = Layer.seed 42 &gt;&gt; Layer.dense 784 256 &gt;&gt; Layer.relu &gt;&gt; Layer.dense 256 10
/// let cnn =
///     Layer.sequential [ Layer.conv 1 8 3; Layer.relu; Layer.maxPool 2; Layer.flatten; Layer.dense (8 * 13 * 13) 10 ]
/// let model = Model.create mlp (Optim.sgd 0.1) Cost.softmaxCrossEntropy
/// </code>
/// </example>
/// <remarks>
/// <para>Building checks what it can: a dense layer after a dense layer must take as many features as the
/// previous one gives, a convolution after a convolution as many channels.</para>
/// <para>A blueprint creates new parameters each time it is built: <c>block &gt;&gt; block</c> is two layers with
/// their own weights. Use <c>Layer.shared</c> (or <c>Layer.ofLayer</c> with an existing layer) to reuse weights.</para>
/// </remarks>
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Layer =

    /// <summary>Options of <see cref="M:Corgi.FSharp.LayerModule.DenseWith"/>.</summary>
    type DenseOptions =
        {
            /// <summary>Whether the layer has a bias (default true).</summary>
            Bias: bool
            /// <summary>The weights' initializer; None (default) uses the stack's (He unless <c>Layer.initializer</c> set another).</summary>
            Init: Init option
            /// <summary>The bias' initializer; None (default) uses the weights' initializer, as the seed does.</summary>
            BiasInit: Init option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.LayerModule.DenseOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module DenseOptions =
        /// <summary>Bias on, the stack's initializer for weights and bias.</summary>
        let defaults: DenseOptions = { Bias = true; Init = None; BiasInit = None }

    /// <summary>Options of <see cref="M:Corgi.FSharp.LayerModule.ConvWith"/>.</summary>
    type ConvOptions =
        {
            /// <summary>Step between windows (default 1).</summary>
            Stride: int
            /// <summary>Zero padding on every side (default 0).</summary>
            Padding: int
            /// <summary>Whether the layer has a bias (default true).</summary>
            Bias: bool
            /// <summary>The filters' and bias' initializer; None (default) uses the stack's.</summary>
            Init: Init option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.LayerModule.ConvOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module ConvOptions =
        /// <summary>Stride 1, no padding, bias on, the stack's initializer.</summary>
        let defaults: ConvOptions = { Stride = 1; Padding = 0; Bias = true; Init = None }

    /// <summary>Options of the pooling layers (<c>Layer.maxPoolWith</c>, <c>Layer.avgPoolWith</c>).</summary>
    type PoolOptions =
        {
            /// <summary>Step between windows; None (default) means the kernel size.</summary>
            Stride: int option
            /// <summary>Padding on every side (default 0).</summary>
            Padding: int
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.LayerModule.PoolOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module PoolOptions =
        /// <summary>Stride equal to the kernel size, no padding.</summary>
        let defaults: PoolOptions = { Stride = None; Padding = 0 }

    // ------------------------------------------------------------------ building

    let rec private hintAfter (position: int) (layer: ILayer) (before: OutputHint) : OutputHint =
        match layer with
        | :? Dense as d ->
            match before with
            | Features n when n <> d.InputSize ->
                invalidArg "layer" (sprintf "layer: %O at position %d takes %d input features, but the layer before it gives %d" d position d.InputSize n)
            | _ -> Features d.OutputSize
        | :? Conv as c ->
            let shape = c.Filters.Shape
            match before with
            | Channels n when n <> shape[1] ->
                invalidArg "layer" (sprintf "layer: %O at position %d takes %d input channels, but the layer before it gives %d" c position shape[1] n)
            | _ -> Channels shape[0]
        | :? MaxPool
        | :? AvgPool ->
            match before with
            | Channels _ -> before
            | _ -> Unknown
        | :? Dropout -> before
        | :? FunctionLayer as f when f.PreservesShape -> before
        | :? ResidualLayer -> before
        | :? Sequential as s -> s.Layers |> Seq.fold (fun hint l -> hintAfter position l hint) before
        | _ -> Unknown

    let private push (layer: ILayer) (stack: LayerStack) : LayerStack =
        // positions count from 0, like the parameter names ("2.weight")
        stack.Push(layer, hintAfter stack.Count layer stack.Output)

    let private initOf (stack: LayerStack) (init: Init option) : Initializer =
        (defaultArg init stack.Init).Create stack.Random

    /// Runs a blueprint on a fork of the stack: its layers as one Sequential, and its output hint.
    let private buildInside (stack: LayerStack) (layer: Layer) : Sequential * OutputHint =
        let inner = layer (stack.Fork())
        Sequential(inner.Layers), inner.Output

    /// <summary>
    /// Builds a blueprint into a new <see cref="T:Corgi.NN.Sequential"/> (new parameters), starting from an
    /// unseeded random source and the He initializer: <c>let net = Layer.build (Layer.dense 2 3 &gt;&gt; Layer.relu)</c>.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">Consecutive layers do not fit (features or channels differ).</exception>
    [<CompiledName("Build")>]
    let build (layer: Layer) : Sequential =
        let stack = layer (LayerStack.Empty())
        Sequential(stack.Layers)

    // ------------------------------------------------------------------ configuration steps

    /// <summary>
    /// Seeds the random source of the layers after it (their initial weights and dropout masks), so that every
    /// build of the blueprint gives the same network: <c>Layer.seed 42 &gt;&gt; Layer.dense 2 64 &gt;&gt; ...</c>. Adds no layer.
    /// </summary>
    [<CompiledName("Seed")>]
    let seed (seed: int) : Layer = fun stack -> stack.WithRandom(Random seed)

    /// <summary>
    /// Sets the initializer of the layers after it that do not name their own:
    /// <c>Layer.initializer Init.xavierUniform &gt;&gt; Layer.dense 2 64</c>. Adds no layer.
    /// </summary>
    [<CompiledName("Initializer")>]
    let initializer (init: Init) : Layer =
        ArgumentNullException.ThrowIfNull init
        fun stack -> stack.WithInit init

    /// <summary>
    /// Sets the dtype of the parameters of the layers after it (Dense, Conv): <c>Layer.dtype DType.Float32 &gt;&gt;
    /// Layer.dense 2 64 &gt;&gt; ...</c> builds a float32 network. Without it, layers use <c>Tensor.DefaultDType</c>
    /// (float64 unless changed). The initial values are the float64 ones rounded (the same random stream). Adds no layer.
    /// </summary>
    [<CompiledName("DType")>]
    let dtype (dtype: DType) : Layer = fun stack -> stack.WithDType dtype

    // ------------------------------------------------------------------ layers with parameters

    /// <summary>
    /// A dense layer with the given options: y = x · Wᵀ + b with W [outputs, inputs].
    /// <c>Layer.denseWith { Layer.DenseOptions.defaults with Bias = false } 4 2</c>.
    /// </summary>
    /// <exception cref="T:System.ArgumentOutOfRangeException">A size is below 1 (raised when built).</exception>
    [<CompiledName("DenseWith")>]
    let denseWith (options: DenseOptions) (inputs: int) (outputs: int) : Layer =
        fun stack ->
            let init = initOf stack options.Init
            let biasInit = options.BiasInit |> Option.map (fun i -> i.Create stack.Random)
            let dense =
                match biasInit with
                | Some b -> Dense(inputs, outputs, init, bias = options.Bias, biasInitializer = b, dtype = stack.DTypeArg)
                | None -> Dense(inputs, outputs, init, bias = options.Bias, dtype = stack.DTypeArg)
            push dense stack

    /// <summary>
    /// A dense (fully-connected) layer from <paramref name="inputs"/> to <paramref name="outputs"/> features, with
    /// bias, initialized by the stack's initializer (He by default): y = x · Wᵀ + b, W [outputs, inputs].
    /// Activations are separate layers: <c>Layer.dense 784 256 &gt;&gt; Layer.relu</c>.
    /// </summary>
    [<CompiledName("Dense")>]
    let dense (inputs: int) (outputs: int) : Layer = denseWith DenseOptions.defaults inputs outputs

    /// <summary>A 2-D convolution layer over [N, C, H, W] with square kernels and the given options.</summary>
    /// <exception cref="T:System.ArgumentOutOfRangeException">A size or the stride is below 1, or the padding is negative (raised when built).</exception>
    [<CompiledName("ConvWith")>]
    let convWith (options: ConvOptions) (inChannels: int) (outChannels: int) (kernelSize: int) : Layer =
        fun stack ->
            let conv =
                Conv(inChannels, outChannels, kernelSize, options.Stride, options.Padding, initOf stack options.Init, bias = options.Bias,
                     dtype = stack.DTypeArg)
            push conv stack

    /// <summary>
    /// A 2-D convolution layer from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels with
    /// <paramref name="kernelSize"/> x kernelSize filters, stride 1, no padding, with bias:
    /// <c>Layer.conv 1 8 3</c> maps [N, 1, 28, 28] to [N, 8, 26, 26].
    /// </summary>
    [<CompiledName("Conv")>]
    let conv (inChannels: int) (outChannels: int) (kernelSize: int) : Layer =
        convWith ConvOptions.defaults inChannels outChannels kernelSize

    // ---- normalization, embeddings, recurrent and attention layers (issue 12); C# classes in Corgi.Core/NN/Layers

    /// <summary>Layer normalization over the last dimension of size <paramref name="size"/> (eps 1e-5, γ ones, β zeros):
    /// <c>Layer.dense 16 64 &gt;&gt; Layer.layerNorm 64</c>. For several dimensions or other settings use
    /// <c>Layer.ofLayer (LayerNorm([| 4; 4 |], eps = 1e-6))</c>.</summary>
    [<CompiledName("LayerNorm")>]
    let layerNorm (size: int) : Layer =
        fun stack -> push (LayerNorm(size, dtype = stack.DTypeArg)) stack

    /// <summary>RMS normalization over the last dimension: y = x / sqrt(mean(x²) + eps) · γ, eps the dtype's machine epsilon.</summary>
    [<CompiledName("RmsNorm")>]
    let rmsNorm (size: int) : Layer =
        fun stack -> push (RmsNorm(size, dtype = stack.DTypeArg)) stack

    /// <summary>Batch normalization of [N, C] or [N, C, L] per feature (momentum 0.1, eps 1e-5, affine); obeys training/evaluation.</summary>
    [<CompiledName("BatchNorm1d")>]
    let batchNorm1d (features: int) : Layer =
        fun stack -> push (BatchNorm1d(features, dtype = stack.DTypeArg)) stack

    /// <summary>Batch normalization of images [N, C, H, W] per channel: <c>Layer.conv 1 8 3 &gt;&gt; Layer.batchNorm2d 8 &gt;&gt; Layer.relu</c>.</summary>
    [<CompiledName("BatchNorm2d")>]
    let batchNorm2d (channels: int) : Layer =
        fun stack -> push (BatchNorm2d(channels, dtype = stack.DTypeArg)) stack

    /// <summary>Group normalization of [N, C, *] in <paramref name="groups"/> groups of channels (affine).</summary>
    [<CompiledName("GroupNorm")>]
    let groupNorm (groups: int) (channels: int) : Layer =
        fun stack -> push (GroupNorm(groups, channels, dtype = stack.DTypeArg)) stack

    /// <summary>Options of <c>Layer.embeddingWith</c>.</summary>
    type EmbeddingOptions =
        {
            /// <summary>The row that gets no gradient (zeros at first); None (default) for none.</summary>
            PaddingIndex: int option
            /// <summary>Rows looked up with a larger 2-norm are scaled down to it; None (default) for none.</summary>
            MaxNorm: float option
            /// <summary>The table's initializer; None (default): the standard normal, as PyTorch.</summary>
            Init: Init option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.LayerModule.EmbeddingOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module EmbeddingOptions =
        /// <summary>No padding index, no max norm, standard normal rows.</summary>
        let defaults: EmbeddingOptions = { PaddingIndex = None; MaxNorm = None; Init = None }

    /// <summary>An embedding table with options: <c>Layer.embeddingWith { Layer.EmbeddingOptions.defaults with PaddingIndex = Some 0 } 1000 64</c>.</summary>
    [<CompiledName("EmbeddingWith")>]
    let embeddingWith (options: EmbeddingOptions) (count: int) (dim: int) : Layer =
        fun stack ->
            // the table draws from the stack's random source, so a seeded blueprint builds the same table
            let init =
                match options.Init with
                | Some i -> i.Create stack.Random
                | None -> (Init.custom "normal" (fun r shape _ _ -> Tensor.RandomNormal(Array.ofList shape, r))).Create stack.Random
            push (Embedding(count, dim, Option.toNullable options.PaddingIndex, Option.toNullable options.MaxNorm,
                            initializer = init, dtype = stack.DTypeArg)) stack

    /// <summary>An embedding table of <paramref name="count"/> rows of <paramref name="dim"/>: indices [*] to [*, dim].</summary>
    [<CompiledName("Embedding")>]
    let embedding (count: int) (dim: int) : Layer = embeddingWith EmbeddingOptions.defaults count dim

    /// <summary>Adds the fixed sinusoidal position encoding to x [N, L, d] (batch-first) or [L, d]; L ≤ 5000.</summary>
    [<CompiledName("SinusoidalEncoding")>]
    let sinusoidalEncoding (modelDim: int) : Layer =
        fun stack -> push (SinusoidalPositionalEncoding(modelDim, batchFirst = true)) stack

    /// <summary>Adds a learned position table [maxLength, d] (normal, std 0.02) to x [N, L, d] (batch-first) or [L, d].</summary>
    [<CompiledName("LearnedEncoding")>]
    let learnedEncoding (maxLength: int) (modelDim: int) : Layer =
        fun stack ->
            let init = Init.custom "normal(0.02)" (fun r shape _ _ -> Tensor.RandomNormal(Array.ofList shape, r, 0.0, 0.02))
            push (LearnedPositionalEncoding(maxLength, modelDim, true, init.Create stack.Random, stack.DTypeArg)) stack

    /// <summary>Options of the recurrent layers (<c>Layer.lstmWith</c>, <c>Layer.gruWith</c>, <c>Layer.rnnWith</c>).</summary>
    type RecurrentOptions =
        {
            /// <summary>Stacked layers (default 1).</summary>
            Layers: int
            /// <summary>Whether each layer also runs backwards (default false): outputs of 2·hidden.</summary>
            Bidirectional: bool
            /// <summary>[N, L, ·] when true (the default here, unlike PyTorch's nn.LSTM), [L, N, ·] when false.</summary>
            BatchFirst: bool
            /// <summary>Dropout between stacked layers while training (default 0).</summary>
            Dropout: float
            /// <summary>Whether the cells have biases (default true).</summary>
            Bias: bool
            /// <summary>The weights' initializer; None (default): uniform in ±1/sqrt(hidden), as PyTorch.</summary>
            Init: Init option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.LayerModule.RecurrentOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module RecurrentOptions =
        /// <summary>One unidirectional batch-first layer with biases, no dropout, PyTorch's initializer.</summary>
        let defaults: RecurrentOptions = { Layers = 1; Bidirectional = false; BatchFirst = true; Dropout = 0.0; Bias = true; Init = None }

    let private recurrentInit (stack: LayerStack) (options: RecurrentOptions) : Initializer =
        match options.Init with
        | Some i -> i.Create stack.Random
        | None -> FanInUniformInitializer(stack.Random)

    /// <summary>An LSTM with options; as a layer it gives the output sequence (use <c>Lstm.Forward(x, h0, c0, lengths)</c> for states).</summary>
    [<CompiledName("LstmWith")>]
    let lstmWith (options: RecurrentOptions) (inputs: int) (hidden: int) : Layer =
        fun stack ->
            push (Lstm(inputs, hidden, options.Layers, options.Bias, options.BatchFirst, options.Dropout, options.Bidirectional,
                       recurrentInit stack options, stack.Random, stack.DTypeArg)) stack

    /// <summary>A one-layer batch-first LSTM: [N, L, inputs] to [N, L, hidden]: <c>Layer.lstm 32 128</c>.</summary>
    [<CompiledName("Lstm")>]
    let lstm (inputs: int) (hidden: int) : Layer = lstmWith RecurrentOptions.defaults inputs hidden

    /// <summary>A GRU with options; as a layer it gives the output sequence.</summary>
    [<CompiledName("GruWith")>]
    let gruWith (options: RecurrentOptions) (inputs: int) (hidden: int) : Layer =
        fun stack ->
            push (Gru(inputs, hidden, options.Layers, options.Bias, options.BatchFirst, options.Dropout, options.Bidirectional,
                      recurrentInit stack options, stack.Random, stack.DTypeArg)) stack

    /// <summary>A one-layer batch-first GRU: [N, L, inputs] to [N, L, hidden].</summary>
    [<CompiledName("Gru")>]
    let gru (inputs: int) (hidden: int) : Layer = gruWith RecurrentOptions.defaults inputs hidden

    /// <summary>An Elman RNN (tanh) with options; as a layer it gives the output sequence.</summary>
    [<CompiledName("RnnWith")>]
    let rnnWith (options: RecurrentOptions) (inputs: int) (hidden: int) : Layer =
        fun stack ->
            push (Rnn(inputs, hidden, options.Layers, RnnNonlinearity.Tanh, options.Bias, options.BatchFirst, options.Dropout,
                      options.Bidirectional, recurrentInit stack options, stack.Random, stack.DTypeArg)) stack

    /// <summary>A one-layer batch-first tanh RNN: [N, L, inputs] to [N, L, hidden].</summary>
    [<CompiledName("Rnn")>]
    let rnn (inputs: int) (hidden: int) : Layer = rnnWith RecurrentOptions.defaults inputs hidden

    /// <summary>Batch-first multi-head self-attention [N, L, E] to [N, L, E] (no dropout), PyTorch's layout:
    /// <c>Layer.multiheadAttention 64 4</c>. Masks: use <c>MultiheadAttention.Forward(q, k, v, ...)</c>.</summary>
    [<CompiledName("MultiheadAttention")>]
    let multiheadAttention (embedDim: int) (heads: int) : Layer =
        fun stack -> push (MultiheadAttention(embedDim, heads, 0.0, true, true, null, stack.Random, stack.DTypeArg)) stack

    /// <summary>Options of <c>Layer.transformerEncoderWith</c>.</summary>
    type TransformerOptions =
        {
            /// <summary>Dropout probability (default 0.1).</summary>
            Dropout: float
            /// <summary>Pre-norm when true, post-norm (PyTorch's default) when false.</summary>
            NormFirst: bool
            /// <summary>[N, L, E] when true (the default here), [L, N, E] when false.</summary>
            BatchFirst: bool
            /// <summary>Whether each position attends only to itself and earlier ones (default false).</summary>
            Causal: bool
            /// <summary>The feed-forward activation; None (default) is ReLU.</summary>
            Activation: Activation option
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.LayerModule.TransformerOptions"/>.</summary>
    [<RequireQualifiedAccess>]
    module TransformerOptions =
        /// <summary>Dropout 0.1, post-norm, batch-first, not causal, ReLU.</summary>
        let defaults: TransformerOptions = { Dropout = 0.1; NormFirst = false; BatchFirst = true; Causal = false; Activation = None }

    /// <summary>A transformer encoder layer with options: <c>Layer.transformerEncoderWith { Layer.TransformerOptions.defaults with Causal = true } 128 4 512</c>.</summary>
    [<CompiledName("TransformerEncoderWith")>]
    let transformerEncoderWith (options: TransformerOptions) (modelDim: int) (heads: int) (feedforward: int) : Layer =
        fun stack ->
            let enc =
                TransformerEncoderLayer(modelDim, heads, feedforward, options.Dropout, Option.toObj options.Activation, 1e-5,
                                        options.BatchFirst, options.NormFirst, true, stack.Random, stack.DTypeArg)
            if options.Causal then
                let causal =
                    { new Object() with
                        override _.ToString() = sprintf "Causal(%O)" enc
                      interface ITrainingModeLayer with
                        member _.Forward(x) = enc.Forward(x, null, null, true)
                        member _.Parameters = enc.Parameters
                        member _.Training
                            with get () = enc.Training
                            and set v = enc.Training <- v }
                push causal stack
            else
                push enc stack

    /// <summary>A batch-first post-norm transformer encoder layer (dropout 0.1, ReLU): [N, L, modelDim] to the same.</summary>
    [<CompiledName("TransformerEncoder")>]
    let transformerEncoder (modelDim: int) (heads: int) (feedforward: int) : Layer =
        transformerEncoderWith TransformerOptions.defaults modelDim heads feedforward

    // ------------------------------------------------------------------ layers without parameters

    /// <summary>2-D max pooling with the given options.</summary>
    [<CompiledName("MaxPoolWith")>]
    let maxPoolWith (options: PoolOptions) (kernelSize: int) : Layer =
        fun stack -> push (MaxPool(kernelSize, Option.toNullable options.Stride, options.Padding)) stack

    /// <summary>2-D max pooling over [N, C, H, W] with a kernelSize x kernelSize window and the same stride: <c>Layer.maxPool 2</c> halves H and W.</summary>
    [<CompiledName("MaxPool")>]
    let maxPool (kernelSize: int) : Layer = maxPoolWith PoolOptions.defaults kernelSize

    /// <summary>2-D average pooling with the given options (padding counts as zeros).</summary>
    [<CompiledName("AvgPoolWith")>]
    let avgPoolWith (options: PoolOptions) (kernelSize: int) : Layer =
        fun stack -> push (AvgPool(kernelSize, Option.toNullable options.Stride, options.Padding)) stack

    /// <summary>2-D average pooling over [N, C, H, W] with a kernelSize x kernelSize window and the same stride.</summary>
    [<CompiledName("AvgPool")>]
    let avgPool (kernelSize: int) : Layer = avgPoolWith PoolOptions.defaults kernelSize

    /// <summary>Flattens every dimension after the first: [N, C, H, W] becomes [N, C·H·W].</summary>
    [<CompiledName("Flatten")>]
    let flatten: Layer = fun stack -> push (Flatten()) stack

    /// <summary>
    /// Inverted dropout with probability <paramref name="probability"/> while training (the model switches it
    /// off in <c>Model.predict</c>, <c>Model.evaluate</c> and <c>Model.accuracy</c>); its masks come from the
    /// stack's random source (see <c>Layer.seed</c>).
    /// </summary>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The probability is outside [0, 1] (raised when built).</exception>
    [<CompiledName("Dropout")>]
    let dropout (probability: float) : Layer =
        fun stack -> push (Dropout(probability, stack.Random.Next())) stack

    /// <summary>
    /// A parameter-free layer from a function: <c>Layer.ofFunction "square" (fun x -&gt; x * x)</c>. Building
    /// assumes it may change the shape (no feature check across it).
    /// </summary>
    [<CompiledName("OfFunction")>]
    let ofFunction (name: string) (f: Tensor -> Tensor) : Layer =
        ArgumentNullException.ThrowIfNull name
        fun stack -> push (FunctionLayer(name, f, false)) stack

    let private shapePreserving (name: string) (f: Tensor -> Tensor) : Layer =
        fun stack -> push (FunctionLayer(name, f, true)) stack

    /// <summary>ReLU, max(x, 0), as a layer.</summary>
    [<CompiledName("Relu")>]
    let relu: Layer = shapePreserving "relu" Tensor.relu

    /// <summary>Leaky ReLU (x for x &gt; 0, else slope · x) as a layer.</summary>
    [<CompiledName("LeakyRelu")>]
    let leakyRelu (slope: float) : Layer = shapePreserving (sprintf "leaky_relu(%g)" slope) (Tensor.leakyRelu slope)

    /// <summary>The logistic function as a layer.</summary>
    [<CompiledName("Sigmoid")>]
    let sigmoid: Layer = shapePreserving "sigmoid" Tensor.sigmoid

    /// <summary>The hyperbolic tangent as a layer.</summary>
    [<CompiledName("Tanh")>]
    let tanh: Layer = shapePreserving "tanh" Tensor.tanh

    /// <summary>GELU (exact, x·Φ(x)) as a layer.</summary>
    [<CompiledName("Gelu")>]
    let gelu: Layer = shapePreserving "gelu" Tensor.gelu

    /// <summary>GELU in PyTorch's tanh approximation as a layer.</summary>
    [<CompiledName("GeluTanh")>]
    let geluTanh: Layer = shapePreserving "gelu_tanh" Tensor.geluTanh

    /// <summary>SiLU (swish), x·sigmoid(x), as a layer.</summary>
    [<CompiledName("Silu")>]
    let silu: Layer = shapePreserving "silu" Tensor.silu

    /// <summary>SELU as a layer.</summary>
    [<CompiledName("Selu")>]
    let selu: Layer = shapePreserving "selu" Tensor.selu

    /// <summary>Mish as a layer.</summary>
    [<CompiledName("Mish")>]
    let mish: Layer = shapePreserving "mish" Tensor.mish

    /// <summary>ReLU6 as a layer.</summary>
    [<CompiledName("Relu6")>]
    let relu6: Layer = shapePreserving "relu6" Tensor.relu6

    /// <summary>Hardsigmoid as a layer.</summary>
    [<CompiledName("Hardsigmoid")>]
    let hardsigmoid: Layer = shapePreserving "hardsigmoid" Tensor.hardsigmoid

    /// <summary>Hardswish as a layer.</summary>
    [<CompiledName("Hardswish")>]
    let hardswish: Layer = shapePreserving "hardswish" Tensor.hardswish

    /// <summary>log(sigmoid x) as a layer.</summary>
    [<CompiledName("LogSigmoid")>]
    let logSigmoid: Layer = shapePreserving "log_sigmoid" Tensor.logSigmoid

    /// <summary>Softsign as a layer.</summary>
    [<CompiledName("Softsign")>]
    let softsign: Layer = shapePreserving "softsign" Tensor.softsign

    /// <summary>Softplus with beta and threshold as a layer: <c>Layer.softplus 1.0 20.0</c>.</summary>
    [<CompiledName("Softplus")>]
    let softplus (beta: float) (threshold: float) : Layer =
        shapePreserving (sprintf "softplus(%g, %g)" beta threshold) (Tensor.softplus beta threshold)

    /// <summary>ELU with alpha as a layer.</summary>
    [<CompiledName("Elu")>]
    let elu (alpha: float) : Layer = shapePreserving (sprintf "elu(%g)" alpha) (Tensor.elu alpha)

    /// <summary>CELU with alpha as a layer.</summary>
    [<CompiledName("Celu")>]
    let celu (alpha: float) : Layer = shapePreserving (sprintf "celu(%g)" alpha) (Tensor.celu alpha)

    /// <summary>Hardtanh (x clamped to [min, max]) as a layer.</summary>
    [<CompiledName("Hardtanh")>]
    let hardtanh (min: float) (max: float) : Layer =
        shapePreserving (sprintf "hardtanh(%g, %g)" min max) (Tensor.hardtanh min max)

    /// <summary>Softmax over the last dimension as a layer (pair it with <c>Cost.crossEntropy</c>; on logits prefer <c>Cost.softmaxCrossEntropy</c>).</summary>
    [<CompiledName("Softmax")>]
    let softmax: Layer = shapePreserving "softmax" (Tensor.softmax -1)

    /// <summary>Log-softmax over the last dimension as a layer.</summary>
    [<CompiledName("LogSoftmax")>]
    let logSoftmax: Layer = shapePreserving "log_softmax" (Tensor.logSoftmax -1)

    /// <summary>An element-wise (shape-preserving) activation from a function: <c>Layer.activation "swish" (fun x -&gt; x * Tensor.sigmoid x)</c>.</summary>
    [<CompiledName("Activation")>]
    let activation (name: string) (f: Tensor -> Tensor) : Layer =
        ArgumentNullException.ThrowIfNull name
        shapePreserving name f

    // ------------------------------------------------------------------ combinators

    /// <summary>The empty network (adds nothing): the same as <c>id</c>.</summary>
    [<CompiledName("Identity")>]
    let identity: Layer = id

    /// <summary>Two blueprints one after the other: <c>Layer.compose a b</c> is <c>a &gt;&gt; b</c>.</summary>
    [<CompiledName("Compose")>]
    let compose (first: Layer) (second: Layer) : Layer = first >> second

    /// <summary>The blueprints of a list one after the other: <c>Layer.sequential [ Layer.dense 2 8; Layer.relu; Layer.dense 8 1 ]</c>.</summary>
    [<CompiledName("Sequential")>]
    let sequential (layers: Layer list) : Layer = List.fold (>>) id layers

    /// <summary>
    /// A residual block, y = x + block(x); the block must keep the shape:
    /// <c>Layer.residual (Layer.dense 64 64 &gt;&gt; Layer.relu)</c>.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">The block is known to change the number of features or channels (raised when built).</exception>
    [<CompiledName("Residual")>]
    let residual (block: Layer) : Layer =
        fun stack ->
            let body, output = buildInside stack block
            match stack.Output, output with
            | Features a, Features b when a <> b ->
                invalidArg "block" (sprintf "layer: a residual block must keep the shape, but it maps %d features to %d" a b)
            | Channels a, Channels b when a <> b ->
                invalidArg "block" (sprintf "layer: a residual block must keep the shape, but it maps %d channels to %d" a b)
            | _ -> push (ResidualLayer body) stack

    /// <summary>
    /// A blueprint whose layers are created once, at its first use, and reused wherever it appears again (tied
    /// weights): <c>let tied = Layer.shared (Layer.dense 8 8) in tied &gt;&gt; Layer.relu &gt;&gt; tied</c>. The same
    /// value used in two builds gives two networks sharing these parameters.
    /// </summary>
    [<CompiledName("Shared")>]
    let shared (block: Layer) : Layer =
        let built: Sequential option ref = ref None
        fun stack ->
            let body =
                match built.Value with
                | Some body -> body
                | None ->
                    let body, _ = buildInside stack block
                    built.Value <- Some body
                    body
            push body stack

    /// <summary>
    /// An existing Corgi.NN layer (C# layers, or your own <see cref="T:Corgi.NN.ILayer"/>): every build adds
    /// this same instance, so its parameters are shared.
    /// </summary>
    [<CompiledName("OfLayer")>]
    let ofLayer (layer: ILayer) : Layer =
        ArgumentNullException.ThrowIfNull layer
        fun stack -> push layer stack
