import { mongooseOptions } from './mongo.module';

describe('mongooseOptions', () => {
  it('sets only the database and the fail-fast behaviour by default (the local wire server)', () => {
    expect(mongooseOptions({ url: 'mongodb://127.0.0.1:27017', dbName: 'e2e_feedback-store' })).toEqual({
      dbName: 'e2e_feedback-store',
      serverSelectionTimeoutMS: 5000,
      bufferCommands: false,
      autoIndex: true,
      retryWrites: false,
    });
  });

  it('adds credentials, their database and TLS with its files when configured', () => {
    const options = mongooseOptions({
      url: 'mongodb://db1:27017,db2:27017/?replicaSet=rs0',
      dbName: 'reporting',
      auth: { username: 'feedback', password: 'p@ss:w/rd' },
      authSource: 'admin',
      tls: true,
      tlsCAFile: '/run/secrets/ca.pem',
      tlsCertificateKeyFile: '/run/secrets/client.pem',
    });
    expect(options).toMatchObject({
      dbName: 'reporting',
      auth: { username: 'feedback', password: 'p@ss:w/rd' },
      authSource: 'admin',
      tls: true,
      tlsCAFile: '/run/secrets/ca.pem',
      tlsCertificateKeyFile: '/run/secrets/client.pem',
    });
  });

  it('leaves TLS to the URL when it is not turned on explicitly', () => {
    expect(mongooseOptions({ url: 'mongodb+srv://cluster0.example.net', dbName: 'analytics', tlsCAFile: '/ca.pem' })).not.toHaveProperty('tls');
  });
});
