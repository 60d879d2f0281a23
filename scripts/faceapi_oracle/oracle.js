#!/usr/bin/env node
// Oracle for agender's face-api AgeGenderNet (crates/estimate/src/faceapi): runs face-api's own
// JavaScript code on fixed 112x112 inputs and writes its outputs as JSON numbers.
//
// The weights are the mirror's (age_gender_model-*), decoded by TensorFlow.js's own
// tf.io.decodeWeights (which dequantises the uint8 tensors) and handed to face-api's
// AgeGenderNet.loadFromWeightMap; the package's own model files are not used. Every input goes
// through AgeGenderNet.forward and predictAgeAndGender, face-api's own code path
// (toNetInput -> NetInput.toBatchTensor(112) -> TinyXception -> avgPool -> fc -> softmax).
//
// Two runtimes are run, because they differ in one number of their preprocessing:
// - face-api.js 0.22.2 (the weights' own project; tfjs-core 1.7.0): (x - meanRgb) / 256
// - @vladmandic/face-api 1.7.15 (its maintained fork; @tensorflow/tfjs 4.22.0): (x - meanRgb) / 255
// Both on TensorFlow.js's pure-JavaScript "cpu" backend, each in its own Node process (the two
// TensorFlow.js versions would share one global engine).
//
// Usage: node oracle.js --shared ../shared --out crates/estimate/tests/data/faceapi_oracle.json
// (run.sh installs the pinned packages and calls this).

'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');
const { PNG } = require('pngjs');

// face-api's AgeGenderNet input side (TinyXception.forwardInput: toBatchTensor(112, true)).
const INPUT_SIZE = 112;
const MANIFEST_FILE = 'age_gender_model-weights_manifest.json';
// The shared PNG crops (RGB, 8 bit), brought to 112x112 by nearest neighbour.
const CROPS = [
  'crop_0.png',
  'crop_1.png',
  'crop_2.png',
  'crop_3.png',
  'crop_4.png',
  'extra_astronaut_face_crop.png',
  'extra_bg_sofa_crop.png',
  'extra_bg_wall_crop.png',
  'extra_noise_crop.png',
];

function parseArgs(argv) {
  const args = { shared: '../shared', out: null, runtime: null };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args) || i + 1 >= argv.length) {
      throw new Error(`usage: oracle.js --shared DIR (--out FILE | --runtime original|fork) (got ${argv[i]})`);
    }
    args[key] = argv[i + 1];
  }
  if (!args.out && !args.runtime) throw new Error('--out FILE is required');
  return args;
}

// Nearest neighbour to 112x112 with integer arithmetic: src = floor(dst * in / out), the rule
// the Rust test implements too, so both sides hold the same bytes.
function nearest112(rgb, width, height) {
  const out = new Uint8Array(INPUT_SIZE * INPUT_SIZE * 3);
  for (let y = 0; y < INPUT_SIZE; y++) {
    const sy = Math.floor((y * height) / INPUT_SIZE);
    for (let x = 0; x < INPUT_SIZE; x++) {
      const sx = Math.floor((x * width) / INPUT_SIZE);
      for (let c = 0; c < 3; c++) {
        out[(y * INPUT_SIZE + x) * 3 + c] = rgb[(sy * width + sx) * 3 + c];
      }
    }
  }
  return out;
}

function readCrop(file) {
  const png = PNG.sync.read(fs.readFileSync(file));
  // pngjs always returns RGBA; drop alpha (the crops are RGB without transparency).
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    rgb[i * 3] = png.data[i * 4];
    rgb[i * 3 + 1] = png.data[i * 4 + 1];
    rgb[i * 3 + 2] = png.data[i * 4 + 2];
  }
  return nearest112(rgb, png.width, png.height);
}

// Synthetic inputs from formulas (x, y = column, row; c = 0 R, 1 G, 2 B), repeated in the test.
const SYNTHETIC = [
  { name: 'synthetic_gradient', formula: '(2x + 3y + 85c) mod 256', f: (x, y, c) => (2 * x + 3 * y + 85 * c) % 256 },
  { name: 'synthetic_checker', formula: '((x div 8 + y div 8) mod 2) * 160 + 32c + 16', f: (x, y, c) => (((Math.floor(x / 8) + Math.floor(y / 8)) % 2) * 160) + 32 * c + 16 },
];

function synthetic(f) {
  const out = new Uint8Array(INPUT_SIZE * INPUT_SIZE * 3);
  for (let y = 0; y < INPUT_SIZE; y++) {
    for (let x = 0; x < INPUT_SIZE; x++) {
      for (let c = 0; c < 3; c++) out[(y * INPUT_SIZE + x) * 3 + c] = f(x, y, c);
    }
  }
  return out;
}

function readWeights(mirror) {
  const manifest = JSON.parse(fs.readFileSync(path.join(mirror, MANIFEST_FILE), 'utf8'));
  const specs = [];
  const buffers = [];
  const shards = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const bytes = fs.readFileSync(path.join(mirror, p));
      buffers.push(bytes);
      shards.push({ file: p, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    }
    specs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return { specs, data, shards };
}

async function runRuntime(runtime, weights, inputs) {
  const { faceapi, tf } = runtime;
  await tf.setBackend('cpu');
  await tf.ready();
  const net = new faceapi.AgeGenderNet();
  net.loadFromWeightMap(tf.io.decodeWeights(weights.data, weights.specs));
  const tensors = inputs.map((input) => tf.tensor3d(Float32Array.from(input.pixels), [INPUT_SIZE, INPUT_SIZE, 3], 'float32'));
  const raw = await net.forward(tensors);
  const ages = Array.from(await raw.age.data());
  const genders = Array.from(await raw.gender.data());
  const predictions = await net.predictAgeAndGender(tensors);
  const outputs = inputs.map((input, i) => {
    const maleProbability = genders[2 * i];
    const p = predictions[i];
    // predictAgeAndGender reads the same tensors: a mismatch means we did not run face-api's path.
    const expected = maleProbability > 0.5 ? maleProbability : 1 - maleProbability;
    if (p.age !== ages[i] || p.genderProbability !== expected) {
      throw new Error(`${runtime.name}: predictAgeAndGender disagrees with forward on ${input.name}`);
    }
    return {
      input: input.name,
      age: ages[i],
      male_probability: maleProbability,
      female_probability: genders[2 * i + 1],
      gender: p.gender,
      gender_probability: p.genderProbability,
    };
  });
  return {
    package: runtime.name,
    version: runtime.version,
    tfjs_core: tf.version_core,
    backend: tf.getBackend(),
    input_divisor: runtime.divisor,
    outputs,
  };
}

// face-api.js looks its media classes up in its environment even for tensor inputs
// (isMediaElement); Node has none, so empty classes that no tensor is an instance of stand in.
function patchOriginalEnv(faceapi) {
  class None {}
  faceapi.env.monkeyPatch({ Canvas: None, Image: None, ImageData: None, Video: None, createCanvasElement: () => new None(), createImageElement: () => new None() });
}

// The runtime called `key`, loaded in this process only.
function loadRuntime(key) {
  if (key === 'original') {
    const faceapi = require('face-api.js');
    patchOriginalEnv(faceapi);
    const version = require('face-api.js/package.json').version;
    return { name: 'face-api.js', version, faceapi, tf: faceapi.tf, divisor: 256 };
  }
  if (key === 'fork') {
    // The fork's Node build on @tensorflow/tfjs (it also registers the wasm backend; we use cpu).
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    const version = require('@vladmandic/face-api/package.json').version;
    return { name: '@vladmandic/face-api', version, faceapi, tf: faceapi.tf, divisor: 255 };
  }
  throw new Error(`unknown runtime ${key} (original or fork)`);
}

function inputsOf(shared) {
  const parity = path.join(shared, 'parity');
  return [
    ...CROPS.map((name) => ({ name, pixels: readCrop(path.join(parity, name)) })),
    ...SYNTHETIC.map((s) => ({ name: s.name, pixels: synthetic(s.f) })),
  ];
}

async function main() {
  const args = parseArgs(process.argv);
  const weights = readWeights(path.join(args.shared, 'mirror'));
  if (args.runtime) {
    const result = await runRuntime(loadRuntime(args.runtime), weights, inputsOf(args.shared));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const runtimes = ['original', 'fork'].map((key) => {
    const stdout = execFileSync(process.execPath, [__filename, '--shared', args.shared, '--runtime', key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(stdout.trim().split('\n').pop());
  });
  const report = {
    generated_by: 'scripts/faceapi_oracle/run.sh',
    node: process.version,
    weights: { manifest: MANIFEST_FILE, shards: weights.shards },
    input_size: INPUT_SIZE,
    resize: 'nearest neighbour to 112x112: src = floor(dst * in / 112) per axis, integers',
    synthetic: SYNTHETIC.map((s) => ({ name: s.name, formula: s.formula })),
    gender_order: 'softmax index 0 = male, 1 = female (face-api: probMale = gender[0])',
    runtimes,
  };
  fs.writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  for (const r of runtimes) {
    console.log(`${r.package} ${r.version} (tfjs-core ${r.tfjs_core}, ${r.backend}, /${r.input_divisor}):`);
    for (const o of r.outputs) console.log(`  ${o.input}: age ${o.age.toFixed(3)}, P(male) ${o.male_probability.toFixed(4)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
