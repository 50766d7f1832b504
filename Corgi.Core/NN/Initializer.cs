using System;

namespace Corgi.NN;

/// <summary>
/// Creates the initial values of parameters from their shape and fan-in / fan-out (the seed's
/// <c>initializer::he()</c>). Every random initializer has a seeded form for reproducible models; the
/// unseeded forms draw their seed from <see cref="Random.Shared"/>. Values are created in the dtype the layer
/// asks for (<see cref="Create(int[], int, int, DType)"/>), or <see cref="Tensor.DefaultDType"/>. One initializer used for several
/// layers draws from one random sequence, so a model built in the same order is the same every time.
/// </summary>
/// <example>
/// <code>
/// var init = Initializer.He(seed: 42);
/// var l1 = new Dense(784, 256, init, Activation.Relu());   // weights uniform in ±sqrt(2/784)
/// </code>
/// </example>
public abstract class Initializer
{
    /// <summary>Creates a tensor of the given shape.</summary>
    /// <param name="shape">The parameter's shape.</param>
    /// <param name="fanIn">Inputs feeding each output unit (a dense layer's input size; channels·kh·kw for a convolution).</param>
    /// <param name="fanOut">Outputs fed by each input unit (a dense layer's output size; filters·kh·kw for a convolution).</param>
    public abstract Tensor Create(int[] shape, int fanIn, int fanOut);

    /// <summary>
    /// Creates a tensor of the given shape in <paramref name="dtype"/>. The built-in initializers draw the same
    /// random numbers whatever the dtype (a float32 tensor holds the float64 one's values rounded); this base
    /// version converts the result of <see cref="Create(int[], int, int)"/>, so a custom initializer needs
    /// to override only that one.
    /// </summary>
    /// <param name="shape">The parameter's shape.</param>
    /// <param name="fanIn">Inputs feeding each output unit.</param>
    /// <param name="fanOut">Outputs fed by each input unit.</param>
    /// <param name="dtype">The element type of the result.</param>
    /// <example><c>Initializer.He(seed: 1).Create(new[] { 4, 2 }, 2, 4, DType.Float32)</c></example>
    public virtual Tensor Create(int[] shape, int fanIn, int fanOut, DType dtype) => Create(shape, fanIn, fanOut).To(dtype);

    /// <summary>The seed's He initializer: uniform in [-sqrt(2 / fan_in), +sqrt(2 / fan_in)].</summary>
    public static Initializer He() => He(NewRandom());

    /// <summary>The seed's He initializer from a seed.</summary>
    public static Initializer He(int seed) => He(new Random(seed));

    /// <summary>The seed's He initializer drawing from <paramref name="random"/>.</summary>
    public static Initializer He(Random random) => new RandomInitializer("he", random,
        static (r, s, fi, _, dt) => { double a = Math.Sqrt(2.0 / Math.Max(1, fi)); return Tensor.RandomUniform(s, r, -a, a, dt); });

    /// <summary>He (Kaiming) normal: normal with mean 0 and standard deviation sqrt(2 / fan_in).</summary>
    public static Initializer HeNormal() => HeNormal(NewRandom());

    /// <summary>He normal from a seed.</summary>
    public static Initializer HeNormal(int seed) => HeNormal(new Random(seed));

    /// <summary>He normal drawing from <paramref name="random"/>.</summary>
    public static Initializer HeNormal(Random random) => new RandomInitializer("he_normal", random,
        static (r, s, fi, _, dt) => Tensor.RandomNormal(s, r, 0, Math.Sqrt(2.0 / Math.Max(1, fi)), dt));

    /// <summary>Xavier (Glorot) uniform: uniform in ±sqrt(6 / (fan_in + fan_out)).</summary>
    public static Initializer XavierUniform() => XavierUniform(NewRandom());

    /// <summary>Xavier uniform from a seed.</summary>
    public static Initializer XavierUniform(int seed) => XavierUniform(new Random(seed));

    /// <summary>Xavier uniform drawing from <paramref name="random"/>.</summary>
    public static Initializer XavierUniform(Random random) => new RandomInitializer("xavier_uniform", random,
        static (r, s, fi, fo, dt) => { double a = Math.Sqrt(6.0 / Math.Max(1, fi + fo)); return Tensor.RandomUniform(s, r, -a, a, dt); });

    /// <summary>Xavier (Glorot) normal: normal with standard deviation sqrt(2 / (fan_in + fan_out)).</summary>
    public static Initializer XavierNormal() => XavierNormal(NewRandom());

    /// <summary>Xavier normal from a seed.</summary>
    public static Initializer XavierNormal(int seed) => XavierNormal(new Random(seed));

    /// <summary>Xavier normal drawing from <paramref name="random"/>.</summary>
    public static Initializer XavierNormal(Random random) => new RandomInitializer("xavier_normal", random,
        static (r, s, fi, fo, dt) => Tensor.RandomNormal(s, r, 0, Math.Sqrt(2.0 / Math.Max(1, fi + fo)), dt));

    /// <summary>All zeros.</summary>
    public static Initializer Zeros() => Constant(0.0);

    /// <summary>Every value equal to <paramref name="value"/>.</summary>
    public static Initializer Constant(double value) => new ConstantInitializer(value);

    private static Random NewRandom() => new(Random.Shared.Next());

    private sealed class RandomInitializer : Initializer
    {
        private readonly string _name;
        private readonly Random _random;
        private readonly Func<Random, int[], int, int, DType, Tensor> _create;

        public RandomInitializer(string name, Random random, Func<Random, int[], int, int, DType, Tensor> create)
        {
            ArgumentNullException.ThrowIfNull(random);
            _name = name;
            _random = random;
            _create = create;
        }

        public override Tensor Create(int[] shape, int fanIn, int fanOut) => Create(shape, fanIn, fanOut, Tensor.DefaultDType);

        public override Tensor Create(int[] shape, int fanIn, int fanOut, DType dtype)
        {
            ArgumentNullException.ThrowIfNull(shape);
            lock (_random) return _create(_random, shape, fanIn, fanOut, dtype);
        }

        public override string ToString() => _name;
    }

    private sealed class ConstantInitializer(double value) : Initializer
    {
        public override Tensor Create(int[] shape, int fanIn, int fanOut) => Create(shape, fanIn, fanOut, Tensor.DefaultDType);

        public override Tensor Create(int[] shape, int fanIn, int fanOut, DType dtype)
        {
            ArgumentNullException.ThrowIfNull(shape);
            return Tensor.Full(shape, value, dtype);
        }

        public override string ToString() => $"constant({value})";
    }
}
